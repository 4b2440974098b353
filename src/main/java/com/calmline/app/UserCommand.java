package com.calmline.app;

import com.calmline.store.Store;
import com.calmline.web.Auth;
import com.calmline.web.Pages;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code user add NAME --role agent|supervisor|admin [--dial client:ID|+E164]}: the password is asked for
 * at the terminal (twice, not echoed), or read from the first line of stdin when it is not a terminal.
 */
final class UserCommand {
    static final String USAGE = "user add NAME --role agent|supervisor|admin [--dial client:IDENTITY|+15551234567]";

    private UserCommand() {
    }

    static int run(Config config, String[] args, InputStream stdin, PrintStream out, PrintStream err)
            throws IOException {
        if (args.length < 5 || !args[1].equals("add")) {
            err.println("usage: java -jar calmline.jar " + USAGE);
            return 2;
        }
        String name = args[2];
        Optional<String> role = Optional.empty();
        Optional<String> dial = Optional.empty();
        for (int i = 3; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--role" -> role = Optional.of(args[i + 1].toLowerCase(Locale.ROOT));
                case "--dial" -> dial = Optional.of(args[i + 1]);
                default -> {
                    err.println("calmline user: unknown option " + args[i] + " (usage: java -jar calmline.jar " + USAGE
                            + ")");
                    return 2;
                }
            }
        }
        if (role.isEmpty() || !role.get().matches("agent|supervisor|admin")) {
            err.println("--role must be agent, supervisor or admin");
            return 2;
        }
        char[] password = password(stdin, err);
        if (password == null) {
            return 2;
        }
        try (Store store = Store.forCommand(config.redisUrl(), config.redisCluster(), config.dataDir(), config.redisPrefix(),
                config.transcriptRetention())) {
            Auth auth = new Auth(store.records(), new Pages(), Optional.empty(), false,
                    config.supervision().zone());
            if (!auth.addUser(name, Auth.Role.valueOf(role.get().toUpperCase(Locale.ROOT)), password, dial)) {
                err.println("user " + name + " already exists");
                return 1;
            }
            out.println("added " + role.get() + " " + name);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } finally {
            Arrays.fill(password, ' ');
        }
    }

    private static char[] password(InputStream stdin, PrintStream err) throws IOException {
        Console console = System.console();
        if (console != null && stdin == System.in) {
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (first == null || !Arrays.equals(first, again)) {
                err.println("the passwords differ");
                return null;
            }
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            err.println("no password on stdin");
            return null;
        }
        return line.toCharArray();
    }
}
