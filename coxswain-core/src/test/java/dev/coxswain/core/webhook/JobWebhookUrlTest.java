package dev.coxswain.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.service.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A job's webhook_url is checked for its form when the job is created; where it points, at each attempt. */
class JobWebhookUrlTest {
    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/jobs?x=1", "http://127.0.0.1:8080/hook", "HTTPS://Example.com",
            "http://[2001:db8::1]:9000/x"})
    void acceptsAbsoluteHttpAndHttpsUrls(String url) {
        assertThatCode(() -> JobWebhooks.checkUrl(url)).doesNotThrowAnyException();
    }

    @Test
    void refusesOtherSchemes() {
        assertProblem("ftp://example.com/x", "must be an http or https URL");
        assertProblem("file:///etc/passwd", "must be an http or https URL");
        assertProblem("javascript:alert(1)", "must be an http or https URL");
        assertProblem("/relative/path", "must be an http or https URL");
    }

    @Test
    void refusesMalformedUrls() {
        assertProblem("http://exa mple.com/", "is not a valid URL");
        assertProblem("http://", "is not a valid URL");
        assertProblem("http:///path-only", "must name a host (a valid host name or IP address)");
        assertProblem("http://under_score.example/x", "must name a host (a valid host name or IP address)");
        assertProblem("", "must be an http or https URL");
        assertProblem(null, "must be an http or https URL");
        assertProblem("https://example.com/" + "a".repeat(2000), "must be at most 2000 characters");
    }

    @Test
    void refusesCredentialsWithoutEchoingThem() {
        assertThatThrownBy(() -> JobWebhooks.checkUrl("https://user:hunter2@example.com/x"))
                .isInstanceOf(ValidationException.class)
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(((ValidationException) e).fields())
                        .containsEntry("webhook_url", "must not contain credentials"));
    }

    private static void assertProblem(String url, String problem) {
        assertThatThrownBy(() -> JobWebhooks.checkUrl(url)).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields()).containsExactlyEntriesOf(
                        java.util.Map.of("webhook_url", problem)));
    }
}
