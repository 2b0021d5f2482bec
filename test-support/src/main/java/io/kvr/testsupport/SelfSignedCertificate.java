package io.kvr.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost} (subject alternative names, so clients that
 * check the host accept it once they trust it) and its PKCS#8 key, as PEM files made by {@code openssl req -x509}.
 */
public record SelfSignedCertificate(Path cert, Path key) {

    /** Writes {@code NAME-cert.pem} and {@code NAME-key.pem} into {@code dir}, replacing earlier ones. */
    public static SelfSignedCertificate write(Path dir, String name) {
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        Path newCert = dir.resolve(name + "-cert.pem.new");
        Path newKey = dir.resolve(name + "-key.pem.new");
        try {
            Process p = new ProcessBuilder(
                            "openssl",
                            "req",
                            "-x509",
                            "-newkey",
                            "rsa:2048",
                            "-nodes",
                            "-subj",
                            "/CN=127.0.0.1",
                            "-addext",
                            "subjectAltName=IP:127.0.0.1,DNS:localhost",
                            "-days",
                            "2",
                            "-keyout",
                            newKey.toString(),
                            "-out",
                            newCert.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make a certificate: " + out);
            }
            // both files change at once, as a certificate renewal would replace them
            Files.move(newKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(newCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new SelfSignedCertificate(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (Debian: apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public X509Certificate certificate() {
        try (InputStream in = Files.newInputStream(cert)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + cert, e);
        }
    }

    /** A TLS context that trusts this certificate (and nothing else). */
    public SSLContext trustingIt() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("kvr-test", certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + cert, e);
        }
    }
}
