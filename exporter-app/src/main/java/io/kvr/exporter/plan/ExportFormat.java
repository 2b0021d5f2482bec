package io.kvr.exporter.plan;

import java.util.Arrays;

/**
 * The layout of an export file: {@code mp4}, progressive ({@code moov} before one {@code mdat}), or {@code fmp4},
 * fragmented ({@code moov}, then a {@code moof} + {@code mdat} per source segment).
 */
public enum ExportFormat {
    MP4("mp4"),
    FMP4("fmp4");

    private final String value;

    ExportFormat(String value) {
        this.value = value;
    }

    /** The name used in requests ({@code format=fmp4}) and in stored job requests. */
    public String value() {
        return value;
    }

    /** The format named {@code value}; {@link IllegalArgumentException} with the accepted names otherwise. */
    public static ExportFormat parse(String value) {
        for (ExportFormat f : values()) {
            if (f.value.equals(value)) {
                return f;
            }
        }
        throw new IllegalArgumentException("format must be one of "
                + Arrays.stream(values()).map(ExportFormat::value).toList() + ", not '"
                + String.valueOf(value).replaceAll("\\p{Cntrl}", "?") + "'");
    }
}
