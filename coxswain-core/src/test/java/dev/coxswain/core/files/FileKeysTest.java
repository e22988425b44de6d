package dev.coxswain.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FileKeysTest {
    @Test
    void jobFilesLiveUnderJobsJobIdFilename() {
        assertThat(FileKeys.jobFile("0b6a3f2e-8a51-4c3e-9a57-2a8e1c9b7d10", "report final.pdf"))
                .isEqualTo("jobs/0b6a3f2e-8a51-4c3e-9a57-2a8e1c9b7d10/report final.pdf");
        assertThat(FileKeys.jobPrefix("job-7")).isEqualTo("jobs/job-7/");
        assertThat(FileKeys.checkFilename("ünïcødé ✓.txt")).isEqualTo("ünïcødé ✓.txt");
        assertThat(FileKeys.checkFilename("a..b")).isEqualTo("a..b");
        assertThat(FileKeys.checkFilename(".env")).isEqualTo(".env");
        assertThat(FileKeys.checkFilename("x".repeat(255))).hasSize(255);
    }

    @Test
    void refusesNamesThatCouldLeaveTheJobsFolder() {
        for (String bad : new String[] {"", ".", "..", "../etc", "a/b", "a\\b", "nul\0byte", "tab\there", "new\nline", "del\u007f",
                "c1\u0085", "x".repeat(256), "é".repeat(128), "lone\ud800"}) {
            assertThatThrownBy(() -> FileKeys.checkFilename(bad)).as("%s", bad).isInstanceOf(InvalidFileNameException.class);
        }
        assertThatThrownBy(() -> FileKeys.checkFilename(null)).hasMessage("filename is required");
    }

    @Test
    void refusesBadJobIdsAndKeys() {
        for (String bad : new String[] {"", "..", "a/b", "a.b", "x".repeat(129), "sp ace"}) {
            assertThatThrownBy(() -> FileKeys.checkJobId(bad)).as("%s", bad).isInstanceOf(InvalidFileNameException.class);
        }
        for (String bad : new String[] {"", "/abs", "trailing/", "a//b", "jobs/../x", "jobs/./x", "x".repeat(1025)}) {
            assertThatThrownBy(() -> FileKeys.checkKey(bad)).as("%s", bad).isInstanceOf(InvalidFileNameException.class);
        }
        assertThatThrownBy(() -> FileKeys.checkPrefix("jobs/x")).isInstanceOf(InvalidFileNameException.class);
        assertThat(FileKeys.checkPrefix("jobs/x/")).isEqualTo("jobs/x/");
    }
}
