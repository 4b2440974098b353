package com.calmline.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of the service, so a test can cut a client's connections the way a network does:
 * closed without a word ({@link Cut#CLOSE}, a FIN with no WebSocket close frame) or reset ({@link Cut#RESET});
 * or stand where a reverse proxy would, reaching the service from an address of its own (127.0.0.2, …).
 */
public final class TcpRelay implements AutoCloseable {
    public enum Cut { CLOSE, RESET }

    private final ServerSocket listener;
    private final int target;
    private final InetAddress from;
    /** Pairs of (client side, service side) sockets. */
    private final List<Socket[]> pairs = new CopyOnWriteArrayList<>();

    public TcpRelay(int targetPort) throws IOException {
        this(targetPort, InetAddress.getLoopbackAddress());
    }

    /** A relay whose connections reach the service from {@code from}, a loopback address of this machine. */
    public TcpRelay(int targetPort, InetAddress from) throws IOException {
        this.target = targetPort;
        this.from = from;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "tcp-relay");
        accepting.setDaemon(true);
        accepting.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Cuts every connection open now, as seen from the service's side. */
    public void cut(Cut how) throws IOException {
        for (Socket[] pair : pairs) {
            if (how == Cut.RESET) {
                pair[1].setSoLinger(true, 0);
            }
            pair[1].close();
            pair[0].close();
        }
        pairs.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket service = new Socket(InetAddress.getLoopbackAddress(), target, from, 0);
                pairs.add(new Socket[] {client, service});
                pump(client, service);
                pump(service, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // the other direction, or a cut, closed it
            }
        }, "tcp-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut(Cut.CLOSE);
    }
}
