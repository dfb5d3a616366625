package dev.taskhub.sdk;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import java.util.List;
import java.util.Locale;

/**
 * The Entra ID authentication a DTS connection string asks for ({@code
 * Authentication=DefaultAzure}, {@code ManagedIdentity}, {@code WorkloadIdentity}, {@code
 * Environment}, {@code AzureCli}) with its {@code ClientID}, {@code TenantId}, {@code
 * TokenFilePath} and {@code AdditionallyAllowedTenants}; the credential comes from Azure's own
 * identity library.
 */
public record AzureAuthentication(
    Mode mode,
    String clientId,
    String tenantId,
    String tokenFilePath,
    List<String> additionallyAllowedTenants) {

  /** The connection string's {@code Authentication} values this SDK turns into credentials. */
  public enum Mode {
    DEFAULT_AZURE("DefaultAzure"),
    MANAGED_IDENTITY("ManagedIdentity"),
    WORKLOAD_IDENTITY("WorkloadIdentity"),
    ENVIRONMENT("Environment"),
    AZURE_CLI("AzureCli");

    final String keyword;

    Mode(String keyword) {
      this.keyword = keyword;
    }

    /** The mode a connection string names, case ignored; null if it names none of these. */
    static Mode named(String value) {
      for (Mode mode : values()) {
        if (mode.keyword.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
          return mode;
        }
      }
      return null;
    }
  }

  public AzureAuthentication {
    additionallyAllowedTenants =
        additionallyAllowedTenants == null ? List.of() : List.copyOf(additionallyAllowedTenants);
  }

  /** The credential, built as the DTS SDKs build it for this mode. */
  public TokenCredential credential() {
    return switch (mode) {
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
