package dev.taskhub.sdk;

import java.lang.reflect.Type;

/**
 * Turns inputs, outputs, event payloads and custom statuses into the text stored by the scheduler,
 * and back. The default is {@link JacksonDataConverter} (JSON). A {@code null} value is never
 * passed to {@link #serialize}: the SDK sends no payload for it, and reads a missing payload as
 * {@code null} without calling {@link #deserialize}.
 */
public interface DataConverter {

  /**
   * Serializes a value.
   *
   * @throws TaskhubException.DataConversion if the value cannot be serialized
   */
  String serialize(Object value);

  /**
   * Reads a value of the given type (a {@link Class} or a generic type such as {@code
   * List<Summary>}).
   *
   * @throws TaskhubException.DataConversion if the text is not a valid form of that type
   */
  <T> T deserialize(String data, Type type);
}
