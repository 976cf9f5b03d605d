package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({
    "1s, 1000000000",
    "500ms, 500000000",
    "2m, 120000000000",
    "1h30m, 5400000000000",
    "1.5s, 1500000000",
    "300us, 300000",
    "300µs, 300000",
    "300μs, 300000",
    "42ns, 42",
    "0, 0",
    "-1.5h, -5400000000000",
    "+10s, 10000000000",
    ".5s, 500000000",
    "1h2m3s4ms5us6ns, 3723004005006",
    "1.0000000009s, 1000000000"
  })
  void parsesGoDurations(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "10",
        "s",
        "1x",
        "1 s",
        "1.2.3s",
        "ten seconds",
        "1s2",
        "-",
        ".s",
        "10S",
        "9999999999h"
      })
  void refusesWhatGoRefuses(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid duration \"" + text + "\"");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "1000000000, 1s",
    "1500000000, 1.5s",
    "5400000000000, 1h30m0s",
    "120000000000, 2m0s",
    "300000, 300µs",
    "500000000, 500ms",
    "42, 42ns"
  })
  void formatsAsGoDoes(long nanos, String text) {
    assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }
}
