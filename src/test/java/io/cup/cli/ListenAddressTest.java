package io.cup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        ":8181|''|8181",
        "127.0.0.1:9000|127.0.0.1|9000",
        "localhost:0|localhost|0",
        "[::1]:8181|::1|8181",
        "[::]:80|::|80",
        "cup.internal:65535|cup.internal|65535"
      })
  void parsesTheOriginalsForms(String text, String host, int port) {
    ListenAddress address = ListenAddress.parse(text);

    assertThat(address.host()).isEqualTo(host);
    assertThat(address.port()).isEqualTo(port);
    assertThat(address.toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "8181",
        ":",
        "host:",
        ":http",
        ":65536",
        "::1:8181",
        "[::1]",
        "[::1]8181",
        "[host]:80",
        "bad_host!:80",
        ":-1"
      })
  void refusesEverythingElse(String text) {
    assertThatThrownBy(() -> ListenAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid address \"" + text + "\"")
        .hasMessageEndingWith("(use :8181, host:8181 or [::1]:8181)");
  }
}
