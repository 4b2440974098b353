package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Demo mode checks every webhook and media stream against a public token, so the real service in demo mode
 * answers on this machine only; on its network address only when DEMO_ON_NETWORK asks, and then it says so
 * loudly. Tried on this machine's own non-loopback address, as another machine would reach it.
 */
class DemoModeIT {

    @Test
    void demoModeAnswersOnLoopbackButNotOnThisMachinesNetworkAddress() throws Exception {
        InetAddress network = networkAddress();
        try (Deployment demo = Deployment.demo().start()) {
            assertEquals(200, health(InetAddress.getLoopbackAddress(), demo.service().port()));
            assertThrows(ConnectException.class, () -> health(network, demo.service().port()),
                    "demo mode must not answer on " + network.getHostAddress());
        }
    }

    @Test
    void demoOnNetworkAnswersThereAndWarnsLoudly() throws Exception {
        InetAddress network = networkAddress();
        Logger appLog = (Logger) LoggerFactory.getLogger(App.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        appLog.addAppender(captured);
        try (Deployment demo = Deployment.demo().env("DEMO_ON_NETWORK", "true").start()) {
            assertEquals(200, health(network, demo.service().port()), "asked for, so reachable from the network");
            Optional<ILoggingEvent> warning = captured.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("DEMO MODE ON THE NETWORK")).findFirst();
            assertTrue(warning.isPresent(), "no warning among " + captured.list);
            assertEquals(Level.WARN, warning.get().getLevel());
            assertTrue(warning.get().getFormattedMessage().contains("anyone who reaches this port can forge calls"),
                    warning.get().getFormattedMessage());
        } finally {
            appLog.detachAppender(captured);
        }
    }

    private static int health(InetAddress address, int port) throws IOException, InterruptedException {
        URI url = URI.create("http://" + address.getHostAddress() + ":" + port + "/health");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** An IPv4 address of this machine that is not loopback: where other machines would reach the service. */
    private static InetAddress networkAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        return a;
                    }
                }
            }
        }
        assumeTrue(false, "this machine has no network address to try the service on");
        throw new IllegalStateException();
    }
}
