package dev.taskhub.sdk;

import com.azure.core.credential.TokenCredential;
import java.util.List;
import java.util.Locale;

/**
 * The Entra ID authentication a DTS connection string asks for ({@code
 * Authentication=DefaultAzure}, {@code ManagedIdentity}, {@code WorkloadIdentity}, {@code
 * Environment}, {@code AzureCli}) with its {@code ClientID}, {@code TenantId}, {@code
 * TokenFilePath} and {@code AdditionallyAllowedTenants}; the credential comes from Azure's own
 * identity library ({@code com.azure:azure-identity}), which an application may leave out when it
 * never uses these (the taskhub distribution ships it apart): this record refuses to exist without
 * it, so that a connection string naming one of these modes fails at once, saying what is missing.
 *
 * <p>Nothing here but {@link #credential()}'s return type names an Azure class, so that this record
 * loads without the library; {@link AzureCredentials} builds the credentials.
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

  /** The class whose presence says that azure-identity is on the class path. */
  private static final String LIBRARY_CLASS = "com.azure.identity.DefaultAzureCredentialBuilder";

  /**
   * @throws TaskhubException.InvalidConfiguration if azure-identity is not on the class path
   */
  public AzureAuthentication {
    requireLibrary(mode);
    additionallyAllowedTenants =
        additionallyAllowedTenants == null ? List.of() : List.copyOf(additionallyAllowedTenants);
  }

  /** The credential, built as the DTS SDKs build it for this mode. */
  public TokenCredential credential() {
    return AzureCredentials.of(this);
  }

  private static void requireLibrary(Mode mode) {
    try {
      Class.forName(LIBRARY_CLASS, false, AzureAuthentication.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new TaskhubException.InvalidConfiguration(
          "Authentication="
              + (mode == null ? "" : mode.keyword)
              + " needs the Azure identity library (com.azure:azure-identity), which is not on the"
              + " class path; for the taskhub distribution, unpack its"
              + " taskhub-<version>-<platform>-azure.tar.gz where you unpacked the distribution");
    }
  }
}
