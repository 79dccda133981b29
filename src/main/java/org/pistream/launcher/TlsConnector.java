package org.pistream.launcher;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.pistream.core.settings.Settings;

/**
 * The HTTPS connector: TLS 1.2 and 1.3 only, with AEAD cipher suites only ({@link #CIPHER_SUITES}),
 * and ALPN offering HTTP/2 first, then HTTP/1.1. Over HTTP/2 all of a page's streams share one
 * connection, so a dashboard is not held to the browsers' six connections per host.
 */
final class TlsConnector {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * In order of preference. TLS 1.3's three suites, as the JDK offers them (all AEAD), then for
     * TLS 1.2 only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305, for EC and RSA keys.
     * Jetty's defaults left TLS 1.2's CBC suites on (HMAC-then-encrypt: LUCKY13 and its kin);
     * every browser and client of the last ten years has a GCM suite. Names the JDK does not
     * support are skipped by Jetty.
     */
    static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    private TlsConnector() {
    }

    static ServerConnector create(Server server, HttpConfiguration plain, Settings.Tls tls, String host) {
        HttpConfiguration https = new HttpConfiguration(plain);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // One certificate and no virtual hosts: whether its name fits is the client's check, as for any self-signed camera.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keystore());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(new String(tls.keystorePassword().chars()));
        ssl.setIncludeProtocols(PROTOCOLS);
        ssl.setIncludeCipherSuites(CIPHER_SUITES);
        ssl.setRenegotiationAllowed(false);

        HttpConnectionFactory http1 = new RequestLineCheck(https);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol()); // clients without ALPN (old curl, scripts) get HTTP/1.1
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());

        ServerConnector connector = new ServerConnector(server, tlsFactory, alpn, http2, http1);
        connector.setHost(host);
        connector.setPort(tls.port());
        return connector;
    }
}
