package io.cup.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** References and Docker-style credentials as users write them. */
class ImageReferenceTest {
  private static final String HEX = "0123456789abcdef".repeat(4);

  @Test
  void aReferenceNamesItsRegistryAndATagADigestOrBoth() {
    ImageReference tag = ImageReference.parse("ghcr.io/acme/controllers/flipt:1.4");
    assertThat(tag.registry()).isEqualTo("ghcr.io");
    assertThat(tag.repository()).isEqualTo("acme/controllers/flipt");
    assertThat(tag.tag()).isEqualTo("1.4");
    assertThat(tag.digest()).isNull();
    assertThat(tag.manifestReference()).isEqualTo("1.4");

    ImageReference both = ImageReference.parse("127.0.0.1:5000/flipt:1.4@sha256:" + HEX);
    assertThat(both.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(both.manifestReference()).as("the digest wins").isEqualTo("sha256:" + HEX);
    assertThat(both).hasToString("127.0.0.1:5000/flipt:1.4@sha256:" + HEX);

    assertThat(ImageReference.parse("localhost/flipt@sha256:" + HEX).tag()).isNull();
    assertThat(ImageReference.parse("[::1]:5000/flipt:v1").registry()).isEqualTo("[::1]:5000");
    assertThat(ImageReference.parse("Registry.Example.com/flipt:v1").registry())
        .isEqualTo("registry.example.com");
  }

  @Test
  void malformedReferencesSayWhatIsWrong() {
    assertThatThrownBy(() -> ImageReference.parse("flipt:1.0"))
        .hasMessageContaining("does not name a registry");
    assertThatThrownBy(() -> ImageReference.parse("acme/flipt:1.0"))
        .hasMessageContaining("does not start with a registry host");
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io/acme/flipt"))
        .hasMessageContaining("names neither a tag");
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io/Acme/flipt:1"))
        .hasMessageContaining("is not a valid repository");
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io/acme/flipt:-x"))
        .hasMessageContaining("is not a valid tag");
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io/acme/flipt@sha512:" + HEX))
        .hasMessageContaining("is not a sha256 digest");
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io/acme/flipt@sha256:ABC"))
        .hasMessageContaining("is not a sha256 digest");
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io:99999/flipt:1"))
        .hasMessageContaining("port out of range");
  }

  @Test
  void aDigestIsCheckedAgainstContent() {
    byte[] bytes = "module".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.of(bytes);
    assertThat(digest.matches(bytes)).isTrue();
    assertThat(digest.matches("other".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
    assertThat(digest.signatureTag()).isEqualTo("sha256-" + digest.hex() + ".sig");
  }

  @Test
  void credentialsComeFromADockerConfigAndNeverShowTheirSecrets(@TempDir Path tmp)
      throws Exception {
    Path config = tmp.resolve("config.json");
    String auth = Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config,
        "{\"auths\": {\"https://ghcr.io/v1/\": {\"auth\": \""
            + auth
            + "\"}, \"127.0.0.1:5000\": {\"username\": \"u\", \"password\": \"p4ss\"},"
            + " \"broken.example\": {\"auth\": \"!!\"}}, \"credsStore\": \"desktop\"}");
    RegistryCredentials credentials = RegistryCredentials.load(config);
    assertThat(credentials.forRegistry("ghcr.io").orElseThrow().username()).isEqualTo("ci");
    assertThat(credentials.forRegistry("ghcr.io").orElseThrow().basic()).isEqualTo("Basic " + auth);
    assertThat(credentials.forRegistry("127.0.0.1:5000").orElseThrow().password())
        .isEqualTo("p4ss");
    assertThat(credentials.forRegistry("broken.example")).isEmpty();
    assertThat(credentials.toString()).doesNotContain("s3cret").doesNotContain("p4ss");
    assertThat(credentials.forRegistry("ghcr.io").orElseThrow().toString())
        .doesNotContain("s3cret");
    assertThat(RegistryCredentials.load(tmp.resolve("missing.json")).forRegistry("ghcr.io"))
        .isEmpty();

    Files.writeString(config, "{\"auths\": \"s3cret\"");
    assertThatThrownBy(() -> RegistryCredentials.load(config))
        .hasMessageContaining("not a JSON object")
        .hasMessageNotContaining("s3cret");
    assertThat(RegistryCredentials.of(Map.of()).forRegistry("ghcr.io")).isEmpty();
  }
}
