package io.cup.api;

import static io.cup.api.MediaTypes.JSON;
import static io.cup.api.MediaTypes.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MediaTypesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fabric8-kubernetes-client/7.9.0",
        "kubectl1.33/v1.33.0 (linux/amd64) kubernetes/8adc0f0",
        "my-operator/v0.1.0 (linux/amd64) kubernetes/$Format",
        "Kubernetes-Java-Client/20.0.0"
      })
  void aUserAgentNamingKubernetesIsAKubernetesClient(String userAgent) {
    assertThat(MediaTypes.isKubernetesClient(userAgent)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Go-http-client/1.1",
        "curl/8.5.0",
        "Vert.x-WebClient/5.0.0",
        "Java-HttpClient/17.0.12",
        "cup/0.1.0",
        "python-requests/2.31 (kubernetes)",
        ""
      })
  void otherUserAgentsAreNot(String userAgent) {
    assertThat(MediaTypes.isKubernetesClient(userAgent)).isFalse();
    assertThat(MediaTypes.isKubernetesClient(null)).isFalse();
  }

  private static final List<String> LIST = List.of(NDJSON, JSON);

  @ParameterizedTest(name = "Accept: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|application/x-ndjson",
        "*/*|application/x-ndjson",
        "*|application/x-ndjson",
        "application/*|application/x-ndjson",
        "application/json|application/json",
        "application/json, */*|application/json",
        "application/json;q=0.5, application/x-ndjson|application/x-ndjson",
        "APPLICATION/JSON|application/json",
        "text/html, */*;q=0.1|application/x-ndjson",
        "application/x-ndjson;q=0, */*|application/json",
      })
  void prefersQualityThenSpecificityThenTheServersOrder(String accept, String expected) {
    assertThat(MediaTypes.negotiate(accept, LIST)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/html",
        "application/xml, text/*",
        "application/json;q=0",
        "nonsense",
        ";",
        ";;;",
        ",",
        " , ;q=1",
        "/",
        "application/"
      })
  void acceptsNothingOffered(String accept) {
    assertThat(MediaTypes.negotiate(accept, LIST)).isEmpty();
  }

  @Test
  void noAcceptHeaderMeansTheFirstOffered() {
    assertThat(MediaTypes.negotiate(null, LIST)).contains(NDJSON);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=\"UTF-8\"",
        "application/merge-patch+json",
        ""
      })
  void jsonContentTypes(String contentType) {
    assertThat(MediaTypes.isJson(contentType)).isTrue();
    assertThat(MediaTypes.isJson(null)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
        "text/json+xml",
        "application/yaml",
        ";",
        ";;;",
        ";charset=utf-8"
      })
  void otherContentTypes(String contentType) {
    assertThat(MediaTypes.isJson(contentType)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {";", ";;;", " ; ", ","})
  void malformedHeadersHaveNoBaseType(String header) {
    assertThat(MediaTypes.baseType(header)).isIn("", ",");
  }
}
