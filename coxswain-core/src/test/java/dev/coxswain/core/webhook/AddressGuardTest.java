package dev.coxswain.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every IANA special-purpose range (IPv4 and IPv6 registries) is refused, and so is every IPv6
 * form that embeds an IPv4 address the guard would refuse (NAT64, 6to4, Teredo, IPv4-compatible,
 * IPv4-mapped). Literals only: no name is resolved.
 */
class AddressGuardTest {
    private final AddressGuard strict = new AddressGuard(false, false);
    private final AddressGuard privateAllowed = new AddressGuard(false, true);
    private final AddressGuard allAllowed = new AddressGuard(true, true);

    @ParameterizedTest
    @ValueSource(strings = {
            // the hardening issue's list
            "[64:ff9b::10.0.0.1]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]", "[::127.0.0.1]", "198.18.0.1",
            "240.0.0.1", "255.255.255.255",
            // IPv4 special-purpose registry
            "0.0.0.0", "0.1.2.3", "10.1.2.3", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.255.255.254",
            "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.10", "192.88.99.1",
            "192.168.1.1", "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250",
            "250.1.2.3",
            // IPv6 special-purpose registry
            "[::]", "[::1]", "[::ffff:10.0.0.1]", "[::ffff:0:10.0.0.1]", "[64:ff9b::8.8.8.8]", "[64:ff9b:1::1]",
            "[100::1]", "[2001::1]", "[2001:1ff::1]", "[2001:db8::1]", "[2002:808:808::1]", "[fc00::1]", "[fd12:3456::1]",
            "[fe80::1]", "[febf::1]", "[fec0::1]", "[ff02::1]", "[3fff::1]",
            // Teredo: the client IPv4 is the last 32 bits inverted (here 127.0.0.1)
            "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
            // IPv4-compatible with a public address is still the deprecated special form
            "[::8.8.8.8]",
    })
    void refusesSpecialPurposeAddresses(String host) {
        assertThat(strict.check(URI.create("http://" + host + "/hook"))).as(host).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "[2606:4700:4700::1111]", "[2a00:1450:4001:80b::200e]",
            "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1", "198.17.255.255", "198.20.0.1",
            "223.255.255.255"})
    void acceptsPublicAddresses(String host) {
        assertThat(strict.check(URI.create("http://" + host + "/hook"))).as(host).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]",
            "[2002:7f00:1::]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]"})
    void allowingPrivateTargetsStillRefusesLoopbackInAnyForm(String host) {
        assertThat(privateAllowed.check(URI.create("http://" + host + "/hook"))).as(host).contains("loopback");
        assertThat(allAllowed.check(URI.create("http://" + host + "/hook"))).as(host).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "[64:ff9b::a9fe:a9fe]", "198.18.0.1", "[fd00::1]", "192.0.2.1", "[2001:db8::1]"})
    void allowingPrivateTargetsAcceptsThem(String host) {
        assertThat(privateAllowed.check(URI.create("http://" + host + "/hook"))).as(host).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "[::]", "224.0.0.1", "[ff02::1]", "255.255.255.255", "[::ffff:224.0.0.1]",
            "[64:ff9b::ffff:ffff]"})
    void unspecifiedMulticastAndBroadcastAreNeverAllowed(String host) {
        assertThat(allAllowed.check(URI.create("http://" + host + "/hook"))).as(host).isNotNull();
    }
}
