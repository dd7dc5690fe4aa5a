package dev.headwater.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void hidesUserInformationWithOrWithoutAScheme() {
        assertThat(Redaction.url("https://alice:s3cret@registry:8081/x?y=1"))
                .isEqualTo("https://***@registry:8081/x?y=1");
        assertThat(Redaction.url("alice:s3cret@registry:8081")).isEqualTo("***@registry:8081");
        assertThat(Redaction.url("alice:s3cret@registry:8081/subjects")).isEqualTo("***@registry:8081/subjects");
        assertThat(Redaction.url("http://al@ice:p@ss@host/")).isEqualTo("http://***@host/");
    }

    @Test
    void leavesUrlsWithoutCredentialsAlone() {
        assertThat(Redaction.url("http://registry:8081/subjects/a@b/versions"))
                .isEqualTo("http://registry:8081/subjects/a@b/versions");
        assertThat(Redaction.url("registry:8081")).isEqualTo("registry:8081");
        assertThat(Redaction.url(null)).isEqualTo("null");
    }
}
