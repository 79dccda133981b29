package org.pistream.launcher;

import java.nio.ByteBuffer;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections whose parser answers {@code 400}, not {@code 505}, to a request line that is
 * not HTTP at all. Jetty's parser says 505 (Unknown Version) for any last word it does not know, so
 * {@code GEV /x HLTP+1.1} got "HTTP Version Not Supported". RFC 9112 (section 3) wants 400 for a
 * request line that does not match its grammar; 505 is for a version that is well formed but not
 * served (RFC 9110, 15.6.6). So:
 * <ul>
 * <li>last word not {@code HTTP/DIGIT.DIGIT} ({@code HLTP+1.1}, {@code HTTP/1.1x}): {@code 400};
 * <li>well formed but not 1.0 or 1.1 ({@code HTTP/9.9}, {@code HTTP/3.0}, {@code HTTP/0.9}, and a
 *     request line of two words, HTTP/0.9's form): {@code 505}, as before;
 * <li>{@code HTTP/2.0} in an HTTP/1 request line: Jetty's {@code 426 Upgrade Required}, as before.
 * </ul>
 * The parser sees the request line's bytes once more on their way in (its words are not visible to
 * a subclass otherwise): a few dozen bytes per request, and nothing once the line has ended.
 */
final class RequestLineCheck extends HttpConnectionFactory {
    RequestLineCheck(HttpConfiguration configuration) {
        super(configuration);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
            @Override
            protected HttpParser newHttpParser(HttpCompliance compliance) {
                HttpParser jettys = super.newHttpParser(compliance); // its settings, with Jetty's request handler
                Parser parser = new Parser((HttpParser.RequestHandler) jettys.getHandler(),
                        getHttpConfiguration().getRequestHeaderSize(), compliance);
                parser.setHeaderCacheSize(jettys.getHeaderCacheSize());
                parser.setHeaderCacheCaseSensitive(jettys.isHeaderCacheCaseSensitive());
                return parser;
            }
        };
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    /** Jetty's parser, remembering the request line's last word and how many words it has. */
    static final class Parser extends HttpParser {
        private static final Pattern VERSION = Pattern.compile("HTTP/[0-9]\\.[0-9]");
        private static final int MAX_WORD = 16;
        private final StringBuilder lastWord = new StringBuilder(MAX_WORD);
        private int words;
        private boolean inWord;
        private boolean lineEnded;

        Parser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance) {
            super(handler, maxHeaderBytes, compliance);
        }

        @Override
        public boolean parseNext(ByteBuffer buffer) {
            State state = getState();
            if (state == State.START) {
                lastWord.setLength(0);
                words = 0;
                inWord = false;
                lineEnded = false;
            }
            if (!lineEnded && state.ordinal() <= State.REQUEST_VERSION.ordinal()) {
                look(buffer);
            }
            return super.parseNext(buffer);
        }

        /** Follows the request line in bytes the parser is about to read, without moving the buffer. */
        private void look(ByteBuffer buffer) {
            for (int i = buffer.position(); i < buffer.limit() && !lineEnded; i++) {
                int b = buffer.get(i) & 0xFF;
                if (b == '\n' || b == '\r') {
                    lineEnded = words > 0; // line breaks before a request line are skipped, as Jetty does
                    inWord = false;
                } else if (b == ' ' || b == '\t') {
                    inWord = false;
                } else {
                    if (!inWord) {
                        words++;
                        inWord = true;
                        lastWord.setLength(0);
                    }
                    if (lastWord.length() <= MAX_WORD) {
                        lastWord.append((char) b);
                    }
                }
            }
        }

        @Override
        protected void badMessage(HttpException failure) {
            if (failure.getCode() == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 && lineEnded && words >= 3
                    && !VERSION.matcher(lastWord).matches()) {
                super.badMessage(new BadMessageException(HttpStatus.BAD_REQUEST_400, "Not an HTTP request line"));
                return;
            }
            super.badMessage(failure);
        }
    }
}
