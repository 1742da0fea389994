package dev.anneal.watcher.app.http;

import dev.anneal.watcher.core.notify.SecretRef.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's TLS identity: a PKCS12 keystore ({@code http.tls.keystore}) with the certificate
 * chain and private key, opened with its password at start-up. It is read once and checked then
 * (the file exists, the password opens it, it holds a private key), so a mistake stops the start
 * with a message naming the key to fix rather than failing the first handshake.
 */
public final class TlsKeystore {

    private final Path file;
    private final KeyStore keyStore;
    private final Secret password;
    private final String alias;

    private TlsKeystore(Path file, KeyStore keyStore, Secret password, String alias) {
        this.file = file;
        this.keyStore = keyStore;
        this.password = password;
        this.alias = alias;
    }

    /**
     * Opens the keystore.
     *
     * @throws HttpConfigException when the file is missing or unreadable, the password is wrong, or it
     *                             holds no private key
     */
    public static TlsKeystore load(Path file, Secret password) throws HttpConfigException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.reveal().toCharArray());
        } catch (NoSuchFileException e) {
            throw new HttpConfigException("http.tls.keystore: " + file + " does not exist", e);
        } catch (IOException e) {
            // PKCS12 reports a wrong password as an IOException whose cause is UnrecoverableKeyException.
            boolean badPassword = e.getCause() instanceof java.security.UnrecoverableKeyException;
            throw new HttpConfigException("http.tls.keystore: cannot open " + file + (badPassword
                    ? ": the password (http.tls.keystore_password_env or _file) is wrong"
                    : " as a PKCS12 keystore: " + e.getMessage()), e);
        } catch (GeneralSecurityException e) {
            throw new HttpConfigException("http.tls.keystore: cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            for (String a : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(a)) {
                    return new TlsKeystore(file, ks, password, a);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new HttpConfigException("http.tls.keystore: cannot read " + file + ": " + e.getMessage(), e);
        }
        throw new HttpConfigException(List.of("http.tls.keystore: " + file + " holds no private key; it needs the "
                + "server's certificate chain and private key (e.g. openssl pkcs12 -export -inkey key.pem -in "
                + "chain.pem -out " + file.getFileName() + ")"));
    }

    /** A fresh Jetty TLS context on this keystore. */
    SslContextFactory.Server sslContextFactory() {
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(keyStore);
        f.setKeyStorePassword(password.reveal());
        f.setCertAlias(alias);
        return f;
    }

    /** The keystore file. */
    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "PKCS12 keystore " + file + " (key " + alias + ")";
    }
}
