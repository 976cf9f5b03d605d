package io.cup.proposals;

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
    assertThat(ProposalId.next(1704067200000L)).startsWith("01hk153x00");
  }

  @Test
  void idsIncreaseEvenWithinOneMillisecondAndWhenTheClockGoesBack() {
    List<String> ids = new ArrayList<>();
    ids.add(ProposalId.next(4_000_000_000_000L));
    for (int i = 0; i < 1000; i++) {
      ids.add(ProposalId.next(4_000_000_000_000L));
    }
    ids.add(ProposalId.next(3_999_999_999_999L));
    ids.add(ProposalId.next(4_000_000_000_001L));

    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void concurrentIdsAreUnique() {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    IntStream.range(0, 10_000).parallel().forEach(i -> ids.add(ProposalId.next()));

    assertThat(ids).hasSize(10_000);
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
}
