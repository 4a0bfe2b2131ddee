package io.verdant.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRecordTest {
  @JsonRecord
  record Sample(String name, Double value) {}

  @Test
  void nullFieldsAreLeftOutAndUnknownFieldsIgnored() throws Exception {
    assertEquals("{\"name\":\"a\"}", Json.text(new Sample("a", null)).replaceAll("\\s", ""));
    Sample read =
        Json.MAPPER.readValue(
            "{\"name\":\"b\",\"value\":2.5,\"later\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8),
            Sample.class);
    assertEquals(new Sample("b", 2.5), read);
  }
}
