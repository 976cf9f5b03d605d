package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.TestRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class NarrowFetchRepositoryTest {
  @TempDir Path dir;

  @Test
  void showsHeadAndTheRefsTheFetchWritesAndUpdatesTheClonesRefs() throws Exception {
    Path clone = TestRepos.createBare(dir.resolve("clone.git"), Map.of("a.txt", "a"));
    ObjectId main = TestRepos.ref(clone, "refs/heads/main");
    ObjectId one = TestRepos.commit(clone, "cup/proposal/one", Map.of("one.txt", "1"));
    TestRepos.commit(clone, "cup/proposal/two", Map.of("two.txt", "2"));
    TestRepos.commit(clone, "topic", Map.of("t.txt", "t"));
    List<RefSpec> specs =
        List.of(
            new RefSpec("+refs/heads/cup/proposal/on*:refs/heads/cup/proposal/on*"),
            new RefSpec("+refs/cup/proposals/on*:refs/cup/proposals/on*"),
            new RefSpec("+refs/heads/main:refs/heads/main"));

    try (Repository repo = TestRepos.open(clone);
        Repository view = new NarrowFetchRepository(repo, specs)) {
      assertThat(view.getRefDatabase().getRefs())
          .extracting(Ref::getName)
          .containsExactly("HEAD", "refs/heads/cup/proposal/one", "refs/heads/main");
      assertThat(view.getRefDatabase().getRefsByPrefix("refs/heads/cup/"))
          .extracting(Ref::getObjectId)
          .containsExactly(one);
      assertThat(view.exactRef("refs/heads/main").getObjectId()).isEqualTo(main);
      assertThat(view.exactRef("refs/heads/cup/proposal/two")).isNull();
      assertThat(view.exactRef("refs/heads/topic")).isNull();
      assertThat(view.resolve("HEAD")).isEqualTo(main);

      // an update through the view is the clone's, checked against the clone's real value
      RefUpdate create = view.updateRef("refs/cup/proposals/one");
      create.setNewObjectId(one);
      create.setExpectedOldObjectId(ObjectId.zeroId());
      assertThat(create.update()).isEqualTo(RefUpdate.Result.NEW);
      RefUpdate stale = view.updateRef("refs/heads/topic");
      stale.setNewObjectId(main);
      stale.setExpectedOldObjectId(ObjectId.zeroId());
      assertThat(stale.forceUpdate()).isEqualTo(RefUpdate.Result.LOCK_FAILURE);
    }
    assertThat(TestRepos.refs(clone))
        .containsEntry("refs/cup/proposals/one", one)
        .containsEntry("refs/heads/cup/proposal/one", one)
        .containsKey("refs/heads/cup/proposal/two")
        .doesNotContainEntry("refs/heads/topic", main);
  }
}
