package dev.coxswain.core.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps webhooks from being aimed at the server's own network: a URL whose host resolves to a
 * loopback, private (RFC 1918, IPv6 unique-local), link-local (incl. cloud metadata at
 * 169.254.169.254), carrier-grade NAT, unspecified or multicast address is refused unless the
 * configuration allows it. Checked when a subscription is saved and again before every attempt
 * (the name may resolve differently by then).
 */
public final class AddressGuard {
    private final boolean allowLoopback;
    private final boolean allowPrivate;

    public AddressGuard(boolean allowLoopback, boolean allowPrivate) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
    }

    /** @return null when the URL may be called, otherwise why not (safe to show) */
    public String check(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return "url must be http or https";
        }
        String host = url.getHost();
        if (host == null || host.isBlank()) return "url has no host";
        if (url.getUserInfo() != null) return "url must not carry credentials";
        InetAddress[] addrs;
        try {
            addrs = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "host " + host + " does not resolve";
        }
        for (InetAddress a : addrs) {
            String why = blocked(a);
            if (why != null) return "host " + host + " resolves to a " + why + " address, which webhooks may not call";
        }
        return null;
    }

    private String blocked(InetAddress a) {
        if (a.isLoopbackAddress()) return allowLoopback ? null : "loopback";
        if (a.isAnyLocalAddress()) return "unspecified";
        if (a.isMulticastAddress()) return "multicast";
        if (allowPrivate) return null;
        if (a.isLinkLocalAddress()) return "link-local";
        if (a.isSiteLocalAddress()) return "private";
        byte[] b = a.getAddress();
        if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) return "carrier-grade NAT";
        if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) return "private (unique-local)";
        return null;
    }
}
