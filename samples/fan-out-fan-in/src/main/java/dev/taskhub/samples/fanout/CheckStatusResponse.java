package dev.taskhub.samples.fanout;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The body of the trigger's 202 answer, as Durable Functions' {@code createCheckStatusResponse}
 * writes it: the instance id and the management URIs, served by this app under {@value
 * ManagementEndpoints#BASE}. {@code {eventName}} and {@code {text}} are placeholders to fill in.
 */
public record CheckStatusResponse(
    String id,
    String statusQueryGetUri,
    String sendEventPostUri,
    String terminatePostUri,
    String purgeHistoryDeleteUri,
    String suspendPostUri,
    String resumePostUri) {

  static CheckStatusResponse of(URI baseUri, String instanceId) {
    String instance =
        baseUri
            + ManagementEndpoints.BASE
            + URLEncoder.encode(instanceId, StandardCharsets.UTF_8).replace("+", "%20");
    return new CheckStatusResponse(
        instanceId,
        instance,
        instance + "/raiseEvent/{eventName}",
        instance + "/terminate?reason={text}",
        instance,
        instance + "/suspend?reason={text}",
        instance + "/resume?reason={text}");
  }
}
