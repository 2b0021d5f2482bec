package io.kvr.media;

/** Well-formed input using a feature media-core does not implement (e.g. several AAC raw data blocks per ADTS frame). */
public final class UnsupportedMediaException extends MediaException {

    public UnsupportedMediaException(String message) {
        super(message);
    }
}
