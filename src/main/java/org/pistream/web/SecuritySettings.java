package org.pistream.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.PasswordHash;
import org.pistream.core.settings.Secret;
import org.pistream.core.settings.Settings;

/**
 * Reads and checks the security settings (authentication, TLS, CORS) for {@link SettingsLoader}.
 * Secrets are never part of an error message: a bad hash or password names its key only.
 */
final class SecuritySettings {
    private SecuritySettings() {
    }

    /** Authentication, or null when neither user nor hash is set. */
    static Settings.Auth auth(String user, String hashText, String exemptText) {
        String userKey = KeyTable.AUTH_USER.configKey();
        String hashKey = KeyTable.AUTH_PASSWORD_HASH.configKey();
        if (user == null && hashText == null) {
            return null;
        }
        if (user == null || user.isBlank()) {
            throw new InvalidSettingException(userKey, user, "must be set when " + hashKey + " is");
        }
        if (hashText == null) {
            throw InvalidSettingException.secret(hashKey, "must be set when " + userKey + " is");
        }
        if (user.indexOf(':') >= 0 || user.chars().anyMatch(Character::isISOControl) || !user.equals(user.strip())) {
            // HTTP Basic sends "user:password": a colon in the name could not be told apart.
            throw new InvalidSettingException(userKey, user, "must not contain ':', control characters or surrounding blanks");
        }
        PasswordHash hash;
        try {
            hash = PasswordHash.parse(hashText);
        } catch (IllegalArgumentException e) {
            throw InvalidSettingException.secret(hashKey, e.getMessage());
        }
        List<String> exempt = new ArrayList<>();
        for (String path : words(exemptText)) {
            if (!path.startsWith("/") || path.contains("*")) {
                throw new InvalidSettingException(KeyTable.AUTH_EXEMPT.configKey(), exemptText,
                        "must be exact paths starting with '/', separated by commas");
            }
            exempt.add(path);
        }
        return new Settings.Auth(user, hash, exempt);
    }

    /** HTTPS settings, or null when no key store is set. The key store is opened here, so a wrong password fails early. */
    static Settings.Tls tls(String keystore, String passwordFile, String password, int tlsPort, int port, String plainHttp) {
        String storeKey = KeyTable.TLS_KEYSTORE.configKey();
        String fileKey = KeyTable.TLS_KEYSTORE_PASSWORD_FILE.configKey();
        if (keystore == null) {
            return null;
        }
        Path store = Path.of(keystore);
        if (!Files.isRegularFile(store) || !Files.isReadable(store)) {
            throw new InvalidSettingException(storeKey, keystore, "must be a readable PKCS12 key store file");
        }
        Secret secret;
        if (passwordFile != null) {
            secret = new Secret(readPasswordFile(fileKey, passwordFile), passwordFile);
        } else if (password != null) {
            secret = new Secret(password, KeyTable.TLS_KEYSTORE_PASSWORD.configKey());
        } else {
            throw new InvalidSettingException(fileKey, null, "must name a file with the key store's password when "
                    + storeKey + " is set (or set " + KeyTable.TLS_KEYSTORE_PASSWORD.configKey()
                    + ", e.g. as PISTREAM_TLS_KEYSTORE_PASSWORD)");
        }
        checkKeyStore(storeKey, keystore, secret);
        String tlsPortKey = KeyTable.TLS_PORT.configKey();
        if (tlsPort != 0 && tlsPort == port) {
            throw new InvalidSettingException(tlsPortKey, Integer.toString(tlsPort), "must differ from the plain HTTP port");
        }
        Settings.PlainHttp plain;
        try {
            plain = Settings.PlainHttp.valueOf(plainHttp.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(KeyTable.PLAIN_HTTP.configKey(), plainHttp, "must be keep, redirect or off");
        }
        return new Settings.Tls(store.toAbsolutePath().toString(), secret, tlsPort, plain);
    }

    /** The password is the file's first line; a trailing line break (as {@code echo} writes) is not part of it. */
    private static String readPasswordFile(String key, String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(key, file, "must be a readable file (" + e.getClass().getSimpleName() + ")");
        }
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new InvalidSettingException(key, file, "must hold the key store's password on its first line");
        }
        return line;
    }

    private static void checkKeyStore(String key, String keystore, Secret password) {
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.chars());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return;
                }
            }
            throw new InvalidSettingException(key, keystore, "must hold a private key and its certificate");
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidSettingException(key, keystore, "must be a PKCS12 key store that opens with the password from "
                    + password.source() + " (" + e.getMessage() + ")");
        }
    }

    /** Allowed CORS origins as browsers send them ({@code scheme://host[:port]}), or {@code *} alone; empty: CORS off. */
    static List<String> origins(String text) {
        String key = KeyTable.ALLOW_ORIGIN.configKey();
        List<String> words = words(text);
        if (words.contains("*")) {
            if (words.size() > 1) {
                throw new InvalidSettingException(key, text, "must be '*' alone or a list of origins");
            }
            return List.of("*");
        }
        List<String> origins = new ArrayList<>();
        for (String word : words) {
            origins.add(origin(key, text, word));
        }
        return origins;
    }

    private static String origin(String key, String text, String word) {
        String requirement = "must be origins like https://dashboard.example:8123 (scheme, host, optional port; no path), separated by commas";
        URI uri;
        try {
            uri = new URI(word.endsWith("/") ? word.substring(0, word.length() - 1) : word);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, text, requirement);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean plain = uri.getRawPath() == null || uri.getRawPath().isEmpty();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !plain
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new InvalidSettingException(key, text, requirement);
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text != null) {
            for (String w : text.split(",")) {
                if (!w.isBlank()) {
                    words.add(w.trim());
                }
            }
        }
        return words;
    }
}
