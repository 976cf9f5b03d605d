package io.cup.proposals;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Proposal;
import io.cup.bus.ProposalState;
import io.cup.bus.ResourceRef;
import io.cup.scm.PullRequest;
import io.cup.status.StatusException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the SCM's word about a pull request does to a proposal record. */
class ReconcilerStateTest {
  private static final String URL = "https://github.example/acme/config/pull/7";

  @Test
  void anOpenedRequestMakesAPendingProposalOpenWithItsNumberAndUrl() {
    Proposal pending = proposal("pending", null, null);
    Proposal opened = RecordChanges.applied(pending, pull(PullRequest.OPEN, null));
    assertThat(opened.state()).isEqualTo(ProposalState.OPEN);
    assertThat(opened.pullRequest()).isEqualTo(7L);
    assertThat(opened.url()).isEqualTo(URL);
    assertThat(opened.updatedAt()).isNotEqualTo(pending.updatedAt());
  }

  @Test
  void aRequestMergedOrClosedOnTheScmEndsTheProposal() {
    Proposal open = proposal("open", 7L, URL);
    Proposal merged = RecordChanges.applied(open, pull(PullRequest.MERGED, "abc123"));
    assertThat(merged.state()).isEqualTo(ProposalState.MERGED);
    assertThat(merged.mergeCommit()).isEqualTo("abc123");
    assertThat(RecordChanges.applied(open, pull(PullRequest.CLOSED, null)).state())
        .isEqualTo(ProposalState.CLOSED);
    // a conflicted proposal can still be merged or closed by a person on the SCM
    Proposal conflicted = proposal("conflicted", 7L, URL);
    assertThat(RecordChanges.applied(conflicted, pull(PullRequest.CLOSED, null)).state())
        .isEqualTo(ProposalState.CLOSED);
    // merged while Cup was down, before it had recorded the request: straight to merged
    Proposal pending = proposal("pending", null, null);
    Proposal late = RecordChanges.applied(pending, pull(PullRequest.MERGED, "abc123"));
    assertThat(late.state()).isEqualTo(ProposalState.MERGED);
    assertThat(late.pullRequest()).isEqualTo(7L);
  }

  @Test
  void nothingChangesWhenTheRecordAlreadySaysIt() {
    Proposal open = proposal("open", 7L, URL);
    assertThat(RecordChanges.applied(open, pull(PullRequest.OPEN, null))).isSameAs(open);
    Proposal merged = proposal("merged", 7L, URL);
    // a late "closed" (or a redelivered event) does not undo a merge
    assertThat(RecordChanges.applied(merged, pull(PullRequest.CLOSED, null))).isSameAs(merged);
  }

  @Test
  void aWebhookWithoutUrlStillEndsTheProposal() {
    // WebhookEvent allows a null url (payloads that lack it): the record keeps the URL it has
    Proposal open = proposal("open", 7L, URL);
    PullRequest noUrl =
        new PullRequest(7, null, PullRequest.MERGED, "cup/proposal/p1", "abc", true);
    Proposal merged = RecordChanges.applied(open, noUrl);
    assertThat(merged.state()).isEqualTo(ProposalState.MERGED);
    assertThat(merged.url()).isEqualTo(URL);
    Proposal pending = proposal("pending", null, null);
    Proposal late = RecordChanges.applied(pending, noUrl);
    assertThat(late.state()).isEqualTo(ProposalState.MERGED);
    assertThat(late.pullRequest()).isEqualTo(7L);
  }

  @Test
  void anUnknownOrDeletedProposalIsNotRetried() {
    assertThat(PullRequestOpener.retries(StatusException.notFound("proposal x not found")))
        .isFalse();
    assertThat(PullRequestOpener.retries(StatusException.unavailable("no clone", null))).isTrue();
    assertThat(PullRequestOpener.retries(new RuntimeException("boom"))).isTrue();
  }

  private static PullRequest pull(String state, String mergeCommit) {
    return new PullRequest(7, URL, state, "cup/proposal/p1", mergeCommit, true);
  }

  @Test
  void retentionArchivesOnlyMergedAndClosedProposalsLastChangedBeforeTheCutoff() {
    // every proposal() was last changed at 2026-11-26T10:00:00Z
    java.time.Instant after = java.time.Instant.parse("2026-11-26T10:00:01Z");
    java.time.Instant before = java.time.Instant.parse("2026-11-26T09:59:59Z");
    assertThat(ProposalRecords.expired(proposal("merged", 7L, URL), after)).isTrue();
    assertThat(ProposalRecords.expired(proposal("closed", 7L, URL), after)).isTrue();
    assertThat(ProposalRecords.expired(proposal("merged", 7L, URL), before)).isFalse();
    for (String live : List.of("open", "pending", "conflicted")) {
      assertThat(ProposalRecords.expired(proposal(live, 7L, URL), after)).as(live).isFalse();
    }
  }

  private static Proposal proposal(String state, Long number, String url) {
    return new Proposal(
        "01m8aaaaaaaaaaaaaaaaaaaaaa",
        ProposalState.fromWire(state),
        "github",
        url,
        "cup/proposal/01m8aaaaaaaaaaaaaaaaaaaaaa",
        "1111111111111111111111111111111111111111",
        "2222222222222222222222222222222222222222",
        "scale web",
        List.of(new ResourceRef("apps.cup.io/v1", "Service", "default", "web", "put")),
        "2026-11-26T10:00:00Z",
        "2026-11-26T10:00:00Z",
        null,
        number,
        null,
        null,
        null,
        null);
  }
}
