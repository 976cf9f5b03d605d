package io.cup.scm;

/**
 * A pull request (GitHub, Gitea) or merge request (GitLab) as Cup needs it: its number (GitLab: the
 * project-scoped iid), web URL, state ({@value #OPEN}, {@value #CLOSED} or {@value #MERGED}), head
 * branch, the merge commit once merged, and whether it carries the {@value #LABEL} label.
 */
public record PullRequest(
    long number, String url, String state, String head, String mergeCommit, boolean labelled) {
  public static final String OPEN = "open";
  public static final String CLOSED = "closed";
  public static final String MERGED = "merged";

  /** The label every request Cup opens carries. */
  public static final String LABEL = "cup";

  public boolean isOpen() {
    return OPEN.equals(state);
  }
}
