package com.calmline.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address a request counts as, from its peer and the X-Forwarded-For chain, as TRUSTED_PROXIES decides. */
class ClientAddressTest {
    private static final ClientAddress PROXIES = ClientAddress.trusting("10.0.0.0/8, 192.168.0.1 fd00::/8");

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddress none = ClientAddress.trusting("");
        assertEquals("203.0.113.9", none.of("203.0.113.9", List.of("198.51.100.7")));
        assertEquals("10.0.0.5", none.of("10.0.0.5", List.of("198.51.100.7")));
    }

    @Test
    void aStrangerCannotNameAnotherClient() {
        assertEquals("203.0.113.9", PROXIES.of("203.0.113.9", List.of("198.51.100.7")));
    }

    @Test
    void throughTrustedProxiesTheClientIsTheNearestAddressThatIsNotOne() {
        assertEquals("198.51.100.7", PROXIES.of("10.0.0.5", List.of("198.51.100.7")));
        assertEquals("198.51.100.7", PROXIES.of("10.0.0.5", List.of("198.51.100.7, 192.168.0.1")),
                "two proxies in a row");
        assertEquals("198.51.100.7", PROXIES.of("10.0.0.5", List.of("6.6.6.6, 198.51.100.7")),
                "what the client wrote itself, left of what the proxy appended, is not believed");
        assertEquals("198.51.100.7", PROXIES.of("10.0.0.5", List.of("6.6.6.6", "198.51.100.7")),
                "several headers are one chain");
        assertEquals("10.0.0.6", PROXIES.of("10.0.0.5", List.of("10.0.0.6")), "only proxies: the farthest one");
        assertEquals("2001:db8:0:0:0:0:0:7", PROXIES.of("fd00::1", List.of("2001:db8::7")));
        assertEquals("10.0.0.5", PROXIES.of("10.0.0.5", List.of()), "no header: the proxy itself");
    }

    @Test
    void anEntryThatIsNoAddressStopsAtTheProxyThatWroteIt() {
        assertEquals("10.0.0.5", PROXIES.of("10.0.0.5", List.of("unknown")));
        assertEquals("198.51.100.7", PROXIES.of("10.0.0.5", List.of("<script>, 198.51.100.7")));
        assertEquals("10.0.0.5", PROXIES.of("10.0.0.5", List.of("999.1.1.1")), "never looked up as a name");
    }

    @Test
    void aTrustedProxyListThatIsNotAddressesIsAClearError() {
        for (String bad : List.of("proxy.example.com", "10.0.0.0/33", "300.1.1.1", "10.0.0.0/x", "localhost")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting(bad),
                    bad);
            assertTrue(e.getMessage().startsWith("TRUSTED_PROXIES: '" + bad + "'"), e.getMessage());
        }
    }
}
