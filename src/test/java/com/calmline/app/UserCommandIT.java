package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code user add} command beside a running service: it refuses, with its exit code, what it cannot add. */
class UserCommandIT {
    @RegisterExtension
    static final Deployment deployment = Deployment.demo().user("ann", "agent").build();

    @Test
    void userAddRefusesABadRoleAShortPasswordAndATakenName() throws Exception {
        Config config = deployment.service().config;
        assertEquals(2, UserCommand.run(config, new String[] {"user", "add", "zed", "--role", "boss"},
                stdin(Deployment.PASSWORD), System.out, System.out));
        assertEquals(2, UserCommand.run(config, new String[] {"user", "add", "zed", "--role", "agent"},
                stdin("short"), System.out, System.out));
        assertEquals(1, UserCommand.run(config, new String[] {"user", "add", "ann", "--role", "agent"},
                stdin(Deployment.PASSWORD), System.out, System.out));
    }

    private static InputStream stdin(String line) {
        return new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
