package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceListQueryTest {
    static DeviceListQuery parse(String... nameValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < nameValues.length; i += 2) m.put(nameValues[i], nameValues[i + 1]);
        return DeviceListQuery.parse(m::get);
    }

    @Test
    void defaults() {
        DeviceListQuery q = parse();
        assertThat(q).isEqualTo(new DeviceListQuery(null, null, null, null, 1, 20));
        assertThat(q.offset()).isZero();
    }

    @Test
    void everyFilter() {
        DeviceListQuery q = parse("status", "3", "serial", "A1", "script_name", "follow", "source", "ui", "page", "3", "page_size", "100");
        assertThat(q).isEqualTo(new DeviceListQuery(3, "A1", "follow", "ui", 3, 100));
        assertThat(q.offset()).isEqualTo(200);
    }

    @Test
    void emptyValuesCountAsAbsent() {
        assertThat(parse("status", "", "serial", " ", "page", "", "page_size", "")).isEqualTo(parse());
    }

    @ParameterizedTest
    @CsvSource({"status,4", "status,-1", "status,x", "status,01", "status,1.0", "page,0", "page,-1", "page,x", "page,1.5",
            "page,1000001", "page,99999999999", "page_size,0", "page_size,101", "page_size,x", "page_size,-5",
            "source,web", "source,API"})
    void badValuesAre40001NamingTheParameter(String name, String value) {
        assertThatThrownBy(() -> parse(name, value)).isInstanceOfSatisfying(DeviceError.class, e -> {
            assertThat(e.code()).isEqualTo(DeviceCode.INVALID_PARAMS);
            assertThat(e.getMessage()).startsWith(name + " must");
        });
    }

    @Test
    void nulIsRefused() {
        assertThatThrownBy(() -> parse("serial", "a\u0000b")).isInstanceOf(DeviceError.class).hasMessageContaining("NUL");
    }
}
