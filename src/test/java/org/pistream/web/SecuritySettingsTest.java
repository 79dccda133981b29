package org.pistream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.AddressRange;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;

/** The security settings as {@link SettingsLoader} reads them: what is accepted, what is refused and how. */
class SecuritySettingsTest {
    private static final String STORE_PASSWORD = "store-pass-4711";
    @TempDir
    static Path dir;
    private static Path keystore;
    private static String hash;

    @BeforeAll
    static void makeKeyStoreAndHash() throws Exception {
        keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, out);
        // The password "pi-stream" at the lowest accepted cost (the vector PasswordHashTest checks), so the tests stay quick.
        hash = "pbkdf2-sha256$10000$MDEyMzQ1Njc4OWFiY2RlZg==$uEEyTJ86AEeBnosCHazhAMa2pRF6RErJtmXjTbUAWPE=";
    }

    private static Settings load(String... keyValues) {
        Map<String, String> flags = new HashMap<>();
        flags.put("pistream.camera", "test-pattern");
        for (int i = 0; i < keyValues.length; i += 2) {
            flags.put(KeyTable.PREFIX + keyValues[i], keyValues[i + 1]);
        }
        return SettingsLoader.load(SettingsLoader.config(flags, "test", SecuritySettingsTest.class.getClassLoader()));
    }

    @Test
    void defaultsAreGenerousAndEverythingOptionalIsOff() {
        Settings s = load();
        assertEquals(new Settings.Limits(512, 64, 64, 10, 30), s.limits());
        assertNull(s.auth());
        assertNull(s.tls());
        assertEquals(List.of(), s.allowedOrigins());
    }

    @Test
    void trustedProxiesAndHstsAreOffByDefaultAndCheckedWhenSet() {
        assertEquals(List.of(), load().trustedProxies());
        assertEquals(-1, load().hstsMaxAgeSeconds());
        assertEquals(List.of(AddressRange.parse("127.0.0.1"), AddressRange.parse("fd00::/8")),
                load("trusted-proxies", "127.0.0.1, fd00::/8").trustedProxies());
        assertEquals(31536000, load("hsts", " 31536000 ").hstsMaxAgeSeconds());
        assertEquals(0, load("hsts", "0").hstsMaxAgeSeconds());
        for (String bad : new String[] {"nginx.local", "10.0.0.0/33", "127.0.0.1 10.0.0.1"}) {
            InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> load("trusted-proxies", bad));
            assertTrue(e.getMessage().contains("pistream.trusted-proxies") && e.getMessage().contains("CIDR"), e.getMessage());
        }
        for (String bad : new String[] {"-1", "1y", "2147483648"}) {
            InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> load("hsts", bad));
            assertTrue(e.getMessage().contains("pistream.hsts") && e.getMessage().contains("max-age"), e.getMessage());
        }
    }

    @Test
    void authNeedsUserAndHashAndExemptsHealthz() {
        Settings.Auth auth = load("auth-user", "viewer", "auth-password-hash", hash).auth();
        assertNotNull(auth);
        assertEquals("viewer", auth.user());
        assertTrue(auth.passwordHash().matches("pi-stream".toCharArray()));
        assertEquals(List.of("/healthz"), auth.exemptPaths());

        InvalidSettingException noHash = assertThrows(InvalidSettingException.class, () -> load("auth-user", "viewer"));
        assertTrue(noHash.getMessage().contains("pistream.auth-password-hash"), noHash.getMessage());
        InvalidSettingException noUser = assertThrows(InvalidSettingException.class, () -> load("auth-password-hash", hash));
        assertTrue(noUser.getMessage().contains("pistream.auth-user"), noUser.getMessage());
        assertFalse(noUser.getMessage().contains(hash), noUser.getMessage());
    }

    @Test
    void badHashNamesTheKeyButNeverShowsTheValue() {
        String bad = hash.substring(0, hash.length() - 12) + "!!!";
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> load("auth-user", "viewer", "auth-password-hash", bad));
        assertTrue(e.getMessage().startsWith("Invalid pistream.auth-password-hash: "), e.getMessage());
        assertTrue(e.getMessage().contains("value not shown"), e.getMessage());
        assertFalse(e.getMessage().contains(bad.split("\\$")[2]), e.getMessage());
    }

    @Test
    void userNameCannotHoldAColon() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> load("auth-user", "a:b", "auth-password-hash", hash));
        assertTrue(e.getMessage().contains("pistream.auth-user"), e.getMessage());
    }

    @Test
    void exemptPathsCanBeChangedButMustBeExactPaths() {
        assertEquals(List.of("/healthz", "/ready"),
                load("auth-user", "v", "auth-password-hash", hash, "auth-exempt", "/healthz, /ready").auth().exemptPaths());
        assertEquals(List.of(), load("auth-user", "v", "auth-password-hash", hash, "auth-exempt", " ").auth().exemptPaths());
        assertThrows(InvalidSettingException.class, () -> load("auth-user", "v", "auth-password-hash", hash, "auth-exempt", "healthz"));
        assertThrows(InvalidSettingException.class, () -> load("auth-user", "v", "auth-password-hash", hash, "auth-exempt", "/*"));
    }

    @Test
    void settingsPrintedForDebuggingShowNoSecret() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("pw-print"), STORE_PASSWORD + "\n");
        Settings s = load("auth-user", "viewer", "auth-password-hash", hash, "tls-keystore", keystore.toString(),
                "tls-keystore-password-file", passwordFile.toString());
        String printed = s.toString();
        assertFalse(printed.contains(hash.split("\\$")[3]), printed);
        assertFalse(printed.contains(hash.split("\\$")[2]), printed);
        assertFalse(printed.contains(STORE_PASSWORD), printed);
        assertTrue(printed.contains("viewer"), printed);
    }

    @Test
    void tlsPasswordComesFromAFileWithoutItsLineBreakOrFromTheKey() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("pw"), STORE_PASSWORD + "\r\n");
        Settings.Tls fromFile = load("tls-keystore", keystore.toString(), "tls-keystore-password-file", passwordFile.toString()).tls();
        assertEquals(STORE_PASSWORD, new String(fromFile.keystorePassword().chars()));
        assertEquals(8443, fromFile.port());
        assertEquals(Settings.PlainHttp.REDIRECT, fromFile.plainHttp());

        Settings.Tls fromKey = load("tls-keystore", keystore.toString(), "tls-keystore-password", STORE_PASSWORD,
                "plain-http", "keep", "tls-port", "0").tls();
        assertEquals(STORE_PASSWORD, new String(fromKey.keystorePassword().chars()));
        assertEquals(Settings.PlainHttp.KEEP, fromKey.plainHttp());
    }

    @Test
    void wrongOrMissingTlsPasswordFailsAtStartNamingTheKeyNotThePassword() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-password\n");
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> load("tls-keystore", keystore.toString(), "tls-keystore-password-file", wrong.toString()));
        assertTrue(e.getMessage().contains("pistream.tls-keystore"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());

        InvalidSettingException missing = assertThrows(InvalidSettingException.class, () -> load("tls-keystore", keystore.toString()));
        assertTrue(missing.getMessage().contains("pistream.tls-keystore-password-file"), missing.getMessage());

        assertThrows(InvalidSettingException.class, () -> load("tls-keystore", dir.resolve("absent.p12").toString(),
                "tls-keystore-password", STORE_PASSWORD));
        assertThrows(InvalidSettingException.class, () -> load("tls-keystore", keystore.toString(),
                "tls-keystore-password", STORE_PASSWORD, "plain-http", "maybe"));
        assertThrows(InvalidSettingException.class, () -> load("tls-keystore", keystore.toString(),
                "tls-keystore-password", STORE_PASSWORD, "port", "9000", "tls-port", "9000"));
    }

    @Test
    void originsAreNormalisedAsBrowsersSendThem() {
        assertEquals(List.of("https://dash.example:8123", "http://10.0.0.5"),
                load("allow-origin", "https://Dash.Example:8123/, http://10.0.0.5").allowedOrigins());
        assertEquals(List.of("*"), load("allow-origin", "*").allowedOrigins());
    }

    @Test
    void originsThatCannotBeOriginsAreRefused() {
        for (String bad : List.of("*, https://a.example", "https://a.example/path", "ftp://a.example", "a.example",
                "https://user@a.example", "https://a.example?x=1")) {
            InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> load("allow-origin", bad), bad);
            assertTrue(e.getMessage().contains("pistream.allow-origin"), e.getMessage());
        }
    }

    @Test
    void limitsAreCheckedAgainstEachOther() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> load("max-clients", "50", "max-connections", "20"));
        assertTrue(e.getMessage().contains("pistream.max-connections"), e.getMessage());
        assertThrows(InvalidSettingException.class, () -> load("header-timeout", "0"));
        assertThrows(InvalidSettingException.class, () -> load("client-timeout", "0"));
        assertEquals(0, load("max-connections-per-address", "0", "max-clients-per-address", "0").limits().maxConnectionsPerAddress());
    }
}
