package io.cup.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ProposalIdTest {

  @Test
  void idsAreTwentySixLowercaseCrockfordCharacters() {
    String id = ProposalId.next();

    assertThat(id).hasSize(26).matches("[0-9a-hjkmnp-tv-z]{26}");
    assertThat(ProposalId.isValid(id)).isTrue();
  }

  @Test
  void theFirstTenCharactersEncodeTheMillisecond() {
    // 2024-01-01T00:00:00Z = 1704067200000 ms = 01hk153x00 in Crockford base32
    assertThat(generator().next(1704067200000L)).startsWith("01hk153x00");
  }

  @Test
  void idsIncreaseEvenWithinOneMillisecondAndWhenTheClockGoesBack() {
    ProposalId.Generator generator = generator();
    List<String> ids = new ArrayList<>();
    ids.add(generator.next(4_000_000_000_000L));
    for (int i = 0; i < 1000; i++) {
      ids.add(generator.next(4_000_000_000_000L));
    }
    ids.add(generator.next(3_999_999_999_999L));
    ids.add(generator.next(4_000_000_000_001L));

    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void theRandomPartCarriesIntoTheTimeWhenItOverflows() {
    // a random source that starts the random part at its largest value
    java.security.SecureRandom maxed =
        new java.security.SecureRandom() {
          @Override
          public int nextInt(int bound) {
            return bound - 1;
          }

          @Override
          public long nextLong() {
            return -1L;
          }
        };
    ProposalId.Generator generator = new ProposalId.Generator(maxed);

    String last = generator.next(1000);
    String next = generator.next(1000);

    assertThat(last).endsWith("zzzzzzzzzzzzzzzz");
    assertThat(next).isGreaterThan(last).endsWith("0000000000000000");
    assertThat(next.substring(0, 10)).isEqualTo(generator.next(1001).substring(0, 10));
  }

  @Test
  void concurrentIdsAreUnique() {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    IntStream.range(0, 10_000).parallel().forEach(i -> ids.add(ProposalId.next()));

    assertThat(ids).hasSize(10_000);
  }

  private static ProposalId.Generator generator() {
    return new ProposalId.Generator(new java.security.SecureRandom());
  }

  @Test
  void malformedIdsAreNotValid() {
    Set<String> bad =
        new HashSet<>(
            List.of(
                "",
                "01HK153X00AAAAAAAAAAAAAAAA",
                "01hk153x00aaaaaaaaaaaaaaa",
                "01hk153x00aaaaaaaaaaaaaaaaa",
                "01hk153x00aaaaaaaaaaaaaaau",
                "81hk153x00aaaaaaaaaaaaaaaa",
                "../../../../../../refs/x/y"));

    assertThat(bad).noneMatch(ProposalId::isValid);
    assertThat(ProposalId.isValid(null)).isFalse();
  }

  @Test
  void theProposalAMergeCommitNamesIsReadFromItsFirstLine() {
    String id = ProposalId.next();
    assertThat(ProposalId.ofMergeMessage("Merge proposal " + id + ": feat: update x\n"))
        .isEqualTo(id);
    assertThat(ProposalId.ofMergeMessage("Merge pull request #7 from acme/cup/proposal/" + id))
        .isEqualTo(id);
    assertThat(ProposalId.ofMergeMessage("Merge branch 'cup/proposal/" + id + "' into 'main'"))
        .isEqualTo(id);
    assertThat(ProposalId.ofMergeMessage("feat: update x\n\nMerge proposal " + id)).isNull();
    assertThat(ProposalId.ofMergeMessage("Merge proposal not-an-id: x")).isNull();
    assertThat(ProposalId.ofMergeMessage(null)).isNull();
  }

  @Test
  void isValidAcceptsExactlyWhatTheIdPatternDescribes() {
    java.util.regex.Pattern pattern =
        java.util.regex.Pattern.compile("[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}");
    java.util.Random random = new java.util.Random(17);
    String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABZ-_/ ";
    int valid = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder id = new StringBuilder();
      int length = 24 + random.nextInt(4);
      for (int i = 0; i < length; i++) {
        // mostly the id alphabet, so that many candidates are valid and many are one off
        id.append(
            random.nextInt(10) == 0
                ? alphabet.charAt(random.nextInt(alphabet.length()))
                : "0123456789abcdefghjkmnpqrstvwxyz".charAt(random.nextInt(i == 0 ? 8 : 32)));
      }
      boolean expected = pattern.matcher(id).matches();
      assertThat(ProposalId.isValid(id.toString())).as(id.toString()).isEqualTo(expected);
      valid += expected ? 1 : 0;
    }
    assertThat(valid).as("the sample holds valid ids too").isGreaterThan(100);
    assertThat(ProposalId.isValid(null)).isFalse();
    assertThat(ProposalId.isValid(ProposalId.next())).isTrue();
  }
}
