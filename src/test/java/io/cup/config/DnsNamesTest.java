package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The subdomain check without a regular expression answers as the regular expression does. */
class DnsNamesTest {
  @Test
  void agreesWithTheSubdomainPattern() {
    String alphabet = "ab-.9Z_";
    Random random = new Random(17);
    for (int n = 0; n < 200_000; n++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(9);
      for (int i = 0; i < length; i++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = value.toString();
      assertThat(DnsNames.matchesSubdomain(candidate))
          .as("%s", candidate)
          .isEqualTo(DnsNames.SUBDOMAIN.matcher(candidate).matches());
    }
  }

  @Test
  void checksExamples() {
    assertThat(DnsNames.isSubdomain("item-00042")).isTrue();
    assertThat(DnsNames.isSubdomain("bench.cup.io")).isTrue();
    assertThat(DnsNames.isSubdomain("a")).isTrue();
    assertThat(DnsNames.isSubdomain("")).isFalse();
    assertThat(DnsNames.isSubdomain("-a")).isFalse();
    assertThat(DnsNames.isSubdomain("a-")).isFalse();
    assertThat(DnsNames.isSubdomain("a..b")).isFalse();
    assertThat(DnsNames.isSubdomain("a.")).isFalse();
    assertThat(DnsNames.isSubdomain("Item")).isFalse();
    assertThat(DnsNames.isSubdomain("a".repeat(254))).isFalse();
    assertThat(DnsNames.isSubdomain(null)).isFalse();
  }
}
