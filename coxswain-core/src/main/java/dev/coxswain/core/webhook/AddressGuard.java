package dev.coxswain.core.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Keeps webhooks from being aimed at the server's own network: a URL whose host resolves to an
 * address in any IANA special-purpose range (the IPv4 and IPv6 special-purpose registries:
 * loopback, private, link-local incl. cloud metadata at 169.254.169.254, carrier-grade NAT,
 * documentation, benchmarking, reserved, NAT64, 6to4, Teredo …) is refused unless the
 * configuration allows it. IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible,
 * NAT64, 6to4, Teredo) are judged by that IPv4 address as well, since a relay or the kernel may
 * deliver them to it. Unspecified, multicast and broadcast addresses are never allowed.
 *
 * <p>Checked when a subscription is saved and again before every attempt; the deliverer connects
 * to the very address {@link #resolve} checked, so a name that resolves differently the second
 * time (DNS rebinding) cannot slip past.
 */
public final class AddressGuard {
    /** How host names are resolved; injectable so a test can answer differently on each call. */
    @FunctionalInterface
    public interface Resolver {
        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The outcome of {@link #resolve}: the address to connect to, or why the URL is refused (safe to show). */
    public record Checked(InetAddress address, String refusal) {
    }

    /** Who may lift a range's ban: nobody, the loopback setting, or the private-targets setting. */
    private enum Kind { NEVER, LOOPBACK, SPECIAL }

    private record Range(byte[] prefix, int bits, Kind kind, String label) {
        static Range of(String cidr, Kind kind, String label) {
            int slash = cidr.indexOf('/');
            try {
                // Literals only: getByName parses them without a lookup. IPv4-mapped literals
                // would come back as IPv4, which no table here uses.
                byte[] p = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
                return new Range(p, Integer.parseInt(cidr.substring(slash + 1)), kind, label);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(cidr, e);
            }
        }

        boolean contains(byte[] a) {
            if (a.length != prefix.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (a[i] != prefix[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (prefix[full] & mask);
        }
    }

    private static final List<Range> IPV4 = List.of(
            Range.of("0.0.0.0/8", Kind.NEVER, "unspecified (\"this network\")"),
            Range.of("10.0.0.0/8", Kind.SPECIAL, "private"),
            Range.of("100.64.0.0/10", Kind.SPECIAL, "carrier-grade NAT"),
            Range.of("127.0.0.0/8", Kind.LOOPBACK, "loopback"),
            Range.of("169.254.0.0/16", Kind.SPECIAL, "link-local"),
            Range.of("172.16.0.0/12", Kind.SPECIAL, "private"),
            Range.of("192.0.0.0/24", Kind.SPECIAL, "special-purpose (IETF protocol assignments)"),
            Range.of("192.0.2.0/24", Kind.SPECIAL, "documentation"),
            Range.of("192.88.99.0/24", Kind.SPECIAL, "special-purpose (6to4 relay anycast)"),
            Range.of("192.168.0.0/16", Kind.SPECIAL, "private"),
            Range.of("198.18.0.0/15", Kind.SPECIAL, "benchmarking"),
            Range.of("198.51.100.0/24", Kind.SPECIAL, "documentation"),
            Range.of("203.0.113.0/24", Kind.SPECIAL, "documentation"),
            Range.of("224.0.0.0/4", Kind.NEVER, "multicast"),
            Range.of("255.255.255.255/32", Kind.NEVER, "broadcast"),
            Range.of("240.0.0.0/4", Kind.SPECIAL, "reserved"));

    private static final List<Range> IPV6 = List.of(
            Range.of("::/128", Kind.NEVER, "unspecified"),
            Range.of("::1/128", Kind.LOOPBACK, "loopback"),
            Range.of("::/96", Kind.SPECIAL, "special-purpose (IPv4-compatible)"),
            Range.of("::ffff:0:0:0/96", Kind.SPECIAL, "special-purpose (IPv4-translated)"),
            Range.of("64:ff9b::/96", Kind.SPECIAL, "special-purpose (NAT64)"),
            Range.of("64:ff9b:1::/48", Kind.SPECIAL, "special-purpose (local NAT64)"),
            Range.of("100::/64", Kind.SPECIAL, "special-purpose (discard-only)"),
            Range.of("2001::/23", Kind.SPECIAL, "special-purpose (IETF protocol assignments, Teredo)"),
            Range.of("2001:db8::/32", Kind.SPECIAL, "documentation"),
            Range.of("2002::/16", Kind.SPECIAL, "special-purpose (6to4)"),
            Range.of("3fff::/20", Kind.SPECIAL, "documentation"),
            Range.of("5f00::/16", Kind.SPECIAL, "special-purpose (SRv6)"),
            Range.of("fc00::/7", Kind.SPECIAL, "private (unique-local)"),
            Range.of("fe80::/10", Kind.SPECIAL, "link-local"),
            Range.of("fec0::/10", Kind.SPECIAL, "site-local"),
            Range.of("ff00::/8", Kind.NEVER, "multicast"));

    private final boolean allowLoopback;
    private final boolean allowPrivate;
    private final Resolver resolver;

    public AddressGuard(boolean allowLoopback, boolean allowPrivate) {
        this(allowLoopback, allowPrivate, Resolver.SYSTEM);
    }

    public AddressGuard(boolean allowLoopback, boolean allowPrivate, Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** @return null when the URL may be called, otherwise why not (safe to show) */
    public String check(URI url) {
        return resolve(url).refusal();
    }

    /**
     * Resolves the URL's host once and checks every address it resolves to; the first one is the
     * address to connect to. One refused address refuses the URL: which one a client would pick is
     * not ours to predict.
     */
    public Checked resolve(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return refused("url must be http or https");
        }
        String host = url.getHost();
        if (host == null || host.isBlank()) return refused("url has no host");
        if (url.getUserInfo() != null) return refused("url must not carry credentials");
        InetAddress[] addrs;
        try {
            addrs = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return refused("host " + host + " does not resolve");
        }
        if (addrs == null || addrs.length == 0) return refused("host " + host + " does not resolve");
        for (InetAddress a : addrs) {
            String why = blocked(a);
            if (why != null) return refused("host " + host + " resolves to a " + why + " address, which webhooks may not call");
        }
        return new Checked(addrs[0], null);
    }

    private static Checked refused(String why) {
        return new Checked(null, why);
    }

    /** Why this address may not be called, or null. */
    String blocked(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address || b.length == 4) return verdict(match(IPV4, b));
        byte[] mapped = mappedIpv4(b);
        // An IPv4-mapped address is that IPv4 address (Java usually hands it over as IPv4 already).
        if (mapped != null) return verdict(match(IPV4, mapped));
        Range outer = match(IPV6, b);
        if (outer != null && outer.bits() == 128) return verdict(outer); // :: and ::1, before reading them as IPv4-compatible
        Embedded inner = embeddedIpv4(b);
        if (inner != null) {
            Range r = match(IPV4, inner.ipv4());
            String why = verdict(r);
            if (why != null) return why + " (via " + inner.form() + ")";
        }
        return verdict(outer);
    }

    private String verdict(Range r) {
        if (r == null) return null;
        return switch (r.kind()) {
            case NEVER -> r.label();
            case LOOPBACK -> allowLoopback ? null : r.label();
            case SPECIAL -> allowPrivate ? null : r.label();
        };
    }

    private static Range match(List<Range> table, byte[] a) {
        // The most specific range wins (2001:db8::/32 inside 2001::/23 is "documentation").
        Range best = null;
        for (Range r : table) if (r.contains(a) && (best == null || r.bits() > best.bits())) best = r;
        return best;
    }

    private record Embedded(byte[] ipv4, String form) {
    }

    private static byte[] mappedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return null;
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff ? new byte[]{b[12], b[13], b[14], b[15]} : null;
    }

    /** The IPv4 address an IPv6 transition form carries, or null. */
    private static Embedded embeddedIpv4(byte[] b) {
        int w0 = word(b, 0), w1 = word(b, 1), w2 = word(b, 2);
        boolean zero64 = w0 == 0 && w1 == 0 && w2 == 0 && word(b, 3) == 0;
        if (zero64 && word(b, 4) == 0 && word(b, 5) == 0) return new Embedded(last32(b, false), "IPv4-compatible");
        if (zero64 && word(b, 4) == 0xffff && word(b, 5) == 0) return new Embedded(last32(b, false), "IPv4-translated");
        if (w0 == 0x64 && w1 == 0xff9b && w2 == 0 && word(b, 3) == 0 && word(b, 4) == 0 && word(b, 5) == 0) {
            return new Embedded(last32(b, false), "NAT64");
        }
        // RFC 6052 with a /48 prefix: 16 bits before the reserved octet (bits 64-71), 16 after.
        if (w0 == 0x64 && w1 == 0xff9b && w2 == 1) return new Embedded(new byte[]{b[6], b[7], b[9], b[10]}, "NAT64");
        if (w0 == 0x2002) return new Embedded(new byte[]{b[2], b[3], b[4], b[5]}, "6to4");
        if (w0 == 0x2001 && w1 == 0) return new Embedded(last32(b, true), "Teredo");
        return null;
    }

    private static int word(byte[] b, int i) {
        return ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }

    private static byte[] last32(byte[] b, boolean inverted) {
        byte x = (byte) (inverted ? 0xff : 0);
        return new byte[]{(byte) (b[12] ^ x), (byte) (b[13] ^ x), (byte) (b[14] ^ x), (byte) (b[15] ^ x)};
    }
}
