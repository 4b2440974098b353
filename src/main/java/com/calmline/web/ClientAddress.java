package com.calmline.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Who sent a request: what the sign-in throttle counts and the log names. Behind a reverse proxy every
 * request arrives from the proxy, which names the client in {@code X-Forwarded-For}; anyone else can write
 * that header too (to dodge the throttle, or to blame someone else), so it is believed only from the proxies
 * listed in {@code TRUSTED_PROXIES}. The client is then the nearest address in the chain that is not itself
 * a trusted proxy.
 */
public final class ClientAddress {
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    /** An address, or a range of them ({@code 10.0.0.0/8}, {@code fd00::/8}). */
    private record Range(byte[] network, int bits) {
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Range> trusted;

    private ClientAddress(List<Range> trusted) {
        this.trusted = trusted;
    }

    /**
     * The proxies to believe, as {@code TRUSTED_PROXIES} lists them: addresses or CIDR ranges, separated by
     * commas or spaces; blank trusts none.
     */
    public static ClientAddress trusting(String proxies) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : proxies.split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                ranges.add(range(entry));
            }
        }
        return new ClientAddress(List.copyOf(ranges));
    }

    /** The request's client, for {@code ctx.ip()}. */
    public String of(Context ctx) {
        return of(ctx.req().getRemoteAddr(), Collections.list(ctx.req().getHeaders(FORWARDED_FOR)));
    }

    /**
     * Walks the chain from the nearest hop outwards: while the hop is a trusted proxy, the entry it added is
     * believed. An entry no address can be read from stops the walk at the proxy that wrote it.
     */
    String of(String remote, List<String> forwardedFor) {
        List<String> chain = new ArrayList<>();
        forwardedFor.forEach(header -> {
            for (String hop : header.split(",")) {
                chain.add(hop.strip());
            }
        });
        String client = remote;
        for (int i = chain.size() - 1; i >= 0 && trusted(client); i--) {
            Optional<InetAddress> hop = literal(chain.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get().getHostAddress();
        }
        return client;
    }

    private boolean trusted(String address) {
        Optional<InetAddress> a = literal(address);
        return a.isPresent() && trusted.stream().anyMatch(r -> r.contains(a.get()));
    }

    private static Range range(String entry) {
        String[] parts = entry.split("/", 2);
        InetAddress network = literal(parts[0]).orElseThrow(() -> new IllegalArgumentException(
                "TRUSTED_PROXIES: '" + entry + "' is not an IP address or CIDR range"));
        int max = network.getAddress().length * 8;
        int bits = max;
        if (parts.length == 2) {
            try {
                bits = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("TRUSTED_PROXIES: '" + entry + "' has a prefix length outside 0-"
                        + max);
            }
        }
        return new Range(network.getAddress(), bits);
    }

    /** An IP address written as one, never a name to look up. */
    private static Optional<InetAddress> literal(String text) {
        String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                && Arrays.stream(s.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
