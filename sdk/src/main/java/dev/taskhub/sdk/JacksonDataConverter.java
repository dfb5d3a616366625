package dev.taskhub.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * JSON via Jackson. Records, collections and {@code java.time} types (as ISO-8601 text) work with
 * no setup; properties the target type does not know are ignored, so payloads can grow fields
 * without breaking older readers.
 */
public final class JacksonDataConverter implements DataConverter {
  private final ObjectMapper mapper;

  /** The default mapper described above. */
  public JacksonDataConverter() {
    this(defaultMapper());
  }

  /** Uses the given mapper as it is (configure it before passing it in). */
  public JacksonDataConverter(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /** A new mapper with the defaults of this converter, to customize further. */
  public static ObjectMapper defaultMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  @Override
  public String serialize(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new TaskhubException.DataConversion(
          "Could not serialize a "
              + value.getClass().getName()
              + " to JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }

  @Override
  public <T> T deserialize(String data, Type type) {
    JavaType javaType = mapper.constructType(type);
    try {
      return mapper.readValue(data, javaType);
    } catch (JsonProcessingException e) {
      throw new TaskhubException.DataConversion(
          "Could not read " + javaType.toCanonical() + " from JSON: " + e.getOriginalMessage(), e);
    }
  }
}
