package dev.taskhub.sdk;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses DTS-style connection strings: {@code ;}-separated {@code key=value} pairs, keys
 * case-insensitive, each at most once. {@code Endpoint}, {@code Authentication} and {@code TaskHub}
 * are required; {@code ClientID}, {@code TenantId}, {@code TokenFilePath} and {@code
 * AdditionallyAllowedTenants} are accepted (they only matter to Azure authentication). Any other
 * key is an error naming it. An endpoint with {@code http://} is plaintext, with {@code https://}
 * or no scheme TLS. {@code Authentication=DefaultAzure}, {@code ManagedIdentity}, {@code
 * WorkloadIdentity}, {@code Environment} and {@code AzureCli} send Entra ID tokens (with {@code
 * ClientID}, {@code TenantId}, {@code TokenFilePath}, {@code AdditionallyAllowedTenants}), as the
 * DTS SDKs do; {@code Authentication=None} sends no credentials; {@code Authentication=Token} sends
 * a Taskhub token ({@code taskhub serve --auth-tokens}) from the {@code Token} key, else from the
 * environment variable {@value #TOKEN_ENV}. {@code TrustedCertificates} names a PEM file of CA
 * certificates to trust instead of the system's (a scheduler with its own CA).
 */
final class ConnectionStringParser {
  private static final String ENDPOINT = "Endpoint";
  private static final String AUTHENTICATION = "Authentication";
  private static final String TASK_HUB = "TaskHub";
  private static final String TOKEN = "Token";
  private static final String TRUSTED_CERTIFICATES = "TrustedCertificates";

  /** Where {@code Authentication=Token} finds the token when the string has no {@code Token}. */
  static final String TOKEN_ENV = "TASKHUB_TOKEN";

  private static final Set<String> KEYS =
      Set.of(
          ENDPOINT,
          AUTHENTICATION,
          TASK_HUB,
          TOKEN,
          TRUSTED_CERTIFICATES,
          "ClientID",
          "TenantId",
          "TokenFilePath",
          "AdditionallyAllowedTenants");

  /** Authentication modes of the DTS SDKs that this SDK recognises but cannot use yet. */
  private static final Set<String> AZURE_AUTHENTICATION =
      Set.of("AzurePowerShell", "VisualStudioCode", "InteractiveBrowser");

  private ConnectionStringParser() {}

  static ConnectionSettings parse(String connectionString) {
    return parse(connectionString, System::getenv);
  }

  /** As {@link #parse(String)}, reading environment variables through {@code environment}. */
  static ConnectionSettings parse(
      String connectionString, java.util.function.UnaryOperator<String> environment) {
    if (connectionString == null || connectionString.isBlank()) {
      throw invalid("The connection string is empty; expected e.g. " + example());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String segment : connectionString.split(";")) {
      if (segment.isBlank()) {
        continue;
      }
      int equals = segment.indexOf('=');
      if (equals < 0) {
        throw invalid("Connection string segment '" + segment.trim() + "' is not a key=value pair");
      }
      String key = canonicalKey(segment.substring(0, equals).trim());
      String value = segment.substring(equals + 1).trim();
      if (values.putIfAbsent(key, value) != null) {
        throw invalid("Connection string key '" + key + "' appears more than once");
      }
    }
    String endpoint = required(values, ENDPOINT);
    String authentication = required(values, AUTHENTICATION);
    AzureAuthentication.Mode azure = AzureAuthentication.Mode.named(authentication);
    boolean token = azure == null && checkAuthentication(authentication);
    String taskHub = required(values, TASK_HUB);
    ConnectionSettings settings = endpointSettings(endpoint, taskHub);
    if (azure != null) {
      String tenants = values.get("AdditionallyAllowedTenants");
      settings =
          settings.withAzure(
              new AzureAuthentication(
                  azure,
                  values.get("ClientID"),
                  values.get("TenantId"),
                  values.get("TokenFilePath"),
                  tenants == null ? List.of() : List.of(tenants.split("\\s*,\\s*"))));
    }
    if (values.containsKey(TOKEN) && !token) {
      throw invalid("The connection string has a Token but not Authentication=Token");
    }
    if (token) {
      String value = values.containsKey(TOKEN) ? values.get(TOKEN) : environment.apply(TOKEN_ENV);
      if (value == null || value.isBlank()) {
        throw invalid(
            "Authentication=Token needs a Token in the connection string or in the environment"
                + " variable "
                + TOKEN_ENV);
      }
      settings = settings.withToken(value.strip());
    }
    if (values.containsKey(TRUSTED_CERTIFICATES)) {
      if (!settings.tls()) {
        throw invalid("TrustedCertificates applies to an https:// endpoint only");
      }
      settings = settings.withTrustedCertificates(Path.of(values.get(TRUSTED_CERTIFICATES)));
    }
    return settings;
  }

  private static String canonicalKey(String key) {
    for (String known : KEYS) {
      if (known.equalsIgnoreCase(key)) {
        return known;
      }
    }
    throw invalid(
        "Unknown connection string key '"
            + key
            + "'; the known keys are Endpoint, Authentication, TaskHub, Token,"
            + " TrustedCertificates, ClientID, TenantId, TokenFilePath and"
            + " AdditionallyAllowedTenants");
  }

  private static String required(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null) {
      throw invalid("The connection string has no " + key + "; expected e.g. " + example());
    }
    if (value.isEmpty()) {
      throw invalid("The connection string's " + key + " is empty");
    }
    return value;
  }

  /** True for {@code Authentication=Token}, false for {@code None}; anything else is an error. */
  private static boolean checkAuthentication(String value) {
    if (value.equalsIgnoreCase("None")) {
      return false;
    }
    if (value.equalsIgnoreCase("Token")) {
      return true;
    }
    for (String azure : AZURE_AUTHENTICATION) {
      if (azure.equalsIgnoreCase(value)) {
        throw invalid(
            "Authentication="
                + azure
                + " is not supported by the Taskhub SDK yet; use DefaultAzure, ManagedIdentity,"
                + " WorkloadIdentity, Environment, AzureCli, Token or None");
      }
    }
    throw invalid("Unknown Authentication value '" + value + "'; use Authentication=None or Token");
  }

  private static ConnectionSettings endpointSettings(String endpoint, String taskHub) {
    int schemeEnd = endpoint.indexOf("://");
    String scheme =
        schemeEnd < 0 ? "https" : endpoint.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = schemeEnd < 0 ? endpoint : endpoint.substring(schemeEnd + 3);
    boolean tls =
        switch (scheme) {
          case "http" -> false;
          case "https" -> true;
          default ->
              throw invalid(
                  "Endpoint '"
                      + endpoint
                      + "' has the unsupported scheme '"
                      + scheme
                      + "'; use http:// (plaintext) or https:// (TLS)");
        };
    URI uri;
    try {
      uri = new URI(scheme + "://" + rest);
    } catch (URISyntaxException e) {
      throw invalid("Endpoint '" + endpoint + "' is not a valid address: " + e.getReason());
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw invalid("Endpoint '" + endpoint + "' has no valid host name");
    }
    boolean hasPath =
        uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/");
    if (hasPath || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid("Endpoint '" + endpoint + "' must be a scheme, host and port only");
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new ConnectionSettings(host, port, tls, taskHub);
    } catch (TaskhubException.InvalidConfiguration e) {
      throw invalid("Endpoint '" + endpoint + "' is not valid: " + e.getMessage());
    }
  }

  private static String example() {
    return "Endpoint=http://localhost:8080;Authentication=None;TaskHub=default";
  }

  private static TaskhubException.InvalidConfiguration invalid(String message) {
    return new TaskhubException.InvalidConfiguration(message);
  }
}
