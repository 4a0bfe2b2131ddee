package io.verdant.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one Jackson mapper Verdant writes its JSON (manifests, model metadata, reports) with. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private Json() {}

  /** A value as indented JSON bytes. */
  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** A value as indented JSON text. */
  public static String text(Object value) {
    return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
  }
}
