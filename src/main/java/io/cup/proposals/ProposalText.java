package io.cup.proposals;

import io.cup.bus.Proposal;
import io.cup.bus.ResourceRef;
import io.cup.scm.NewPullRequest;
import io.cup.scm.PullRequest;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What Cup writes on an SCM about a proposal: the pull request's title and description, the comment
 * on a proposal that conflicts, the merge commit's message. Plain text, no I/O.
 */
final class ProposalText {
  private ProposalText() {}

  /** The first line of a commit message: a proposal's title. */
  static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /**
   * The pull request of {@code proposal} into {@code target}: the commit message's first line as
   * title; the rest, the resources it touches and who proposed it as description; Cup's label.
   */
  static NewPullRequest pullRequest(Proposal proposal, String target) {
    String title = firstLine(proposal.message());
    String rest = proposal.message().substring(title.length()).strip();
    StringBuilder body = new StringBuilder();
    if (!rest.isEmpty()) {
      body.append(rest).append("\n\n");
    }
    body.append("Resources this change touches:\n\n");
    for (ResourceRef ref : proposal.resources()) {
      body.append("- `").append(ref.action()).append("` ").append(markdown(ref)).append('\n');
    }
    body.append("\nProposed ");
    if (proposal.createdBy() != null) {
      body.append("by `").append(proposal.createdBy().username()).append("` ");
    }
    body.append("through Cup as proposal `").append(proposal.id()).append("`.\n");
    return new NewPullRequest(
        proposal.branch(), target, title, body.toString(), List.of(PullRequest.LABEL));
  }

  /** The merge commit message of a proposal merged on the SCM through Cup. */
  static String mergeMessage(Proposal proposal) {
    return "Merge proposal " + proposal.id() + ": " + firstLine(proposal.message());
  }

  /** The comment on a proposal whose resources changed on {@code branch} at {@code head}. */
  static String conflictComment(String branch, ObjectId head, List<ResourceRef> conflicts) {
    StringBuilder text =
        new StringBuilder("Cup cannot move this proposal onto `")
            .append(branch)
            .append("` at ")
            .append(head.name(), 0, 12)
            .append(": these resources were changed there since the proposal was made:\n\n");
    for (ResourceRef ref : conflicts) {
      text.append("- ").append(markdown(ref)).append('\n');
    }
    text.append("\nThe proposal is now `conflicted`. Close it and write the change again.\n");
    return text.toString();
  }

  /** {@code Kind namespace/name, …}, for logs. */
  static String names(List<ResourceRef> refs) {
    return String.join(
        ", ", refs.stream().map(r -> r.kind() + " " + r.namespace() + "/" + r.name()).toList());
  }

  /** {@code Kind `namespace/name` (apiVersion)}, for pull request bodies and comments. */
  private static String markdown(ResourceRef ref) {
    return ref.kind() + " `" + ref.namespace() + '/' + ref.name() + "` (" + ref.apiVersion() + ")";
  }
}
