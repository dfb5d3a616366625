package dev.taskhub.sdk;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import java.util.List;

/**
 * Azure identity's credentials for an {@link AzureAuthentication}: apart from it because verifying
 * this code loads Azure's classes, which {@link AzureAuthentication} must not need to load.
 */
final class AzureCredentials {
  private AzureCredentials() {}

  /** The credential for {@code authentication}, built as the DTS SDKs build it for its mode. */
  static TokenCredential of(AzureAuthentication authentication) {
    String clientId = authentication.clientId();
    String tenantId = authentication.tenantId();
    String tokenFilePath = authentication.tokenFilePath();
    List<String> additionallyAllowedTenants = authentication.additionallyAllowedTenants();
    return switch (authentication.mode()) {
      case DEFAULT_AZURE -> {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
        if (clientId != null) {
          builder.managedIdentityClientId(clientId).workloadIdentityClientId(clientId);
        }
        if (tenantId != null) {
          builder.tenantId(tenantId);
        }
        if (!additionallyAllowedTenants.isEmpty()) {
          builder.additionallyAllowedTenants(additionallyAllowedTenants);
        }
        yield builder.build();
      }
      case MANAGED_IDENTITY -> {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
        if (clientId != null) {
          builder.clientId(clientId);
        }
        yield builder.build();
      }
      case WORKLOAD_IDENTITY -> {
        WorkloadIdentityCredentialBuilder builder = new WorkloadIdentityCredentialBuilder();
        if (clientId != null) {
          builder.clientId(clientId);
        }
        if (tenantId != null) {
          builder.tenantId(tenantId);
        }
        if (tokenFilePath != null) {
          builder.tokenFilePath(tokenFilePath);
        }
        yield builder.build();
      }
      case ENVIRONMENT -> new EnvironmentCredentialBuilder().build();
      case AZURE_CLI -> {
        AzureCliCredentialBuilder builder = new AzureCliCredentialBuilder();
        if (tenantId != null) {
          builder.tenantId(tenantId);
        }
        yield builder.build();
      }
    };
  }
}
