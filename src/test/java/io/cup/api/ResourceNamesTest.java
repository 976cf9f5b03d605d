package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.status.StatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "default", "my-flag", "a.b.c", "x1-2.y-3", "0", "a--b"})
  void subdomains(String name) {
    assertThat(ResourceNames.isSubdomain(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", ".", "..", "../etc", "a/b", "A", "A_B", "a_b", "-a", "a-", "a.", ".a", "a..b", "a.-b",
        "a b", "é", "a\nb", "a%2Fb"
      })
  void notSubdomains(String name) {
    assertThat(ResourceNames.isSubdomain(name)).isFalse();
  }

  @Test
  void atMost253Characters() {
    String label = "a".repeat(63);
    String longest = String.join(".", label, label, label, "a".repeat(61));
    assertThat(longest).hasSize(253);
    assertThat(ResourceNames.isSubdomain(longest)).isTrue();
    assertThat(ResourceNames.isSubdomain(longest + "a")).isFalse();
    assertThat(ResourceNames.isSubdomain(null)).isFalse();
  }

  @Test
  void refusalIsABadRequestNamingTheField() {
    assertThatThrownBy(() -> ResourceNames.requireSubdomain("namespace", "Kube_System"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.getMessage()).startsWith("invalid namespace \"Kube_System\"");
            });
  }
}
