package io.kvr.exporter.plan;

/**
 * Bytes an export file has between its media reads, built when written: the {@code moof} and {@code mdat} header
 * of each fragment of an fMP4 ({@link #NONE} for a progressive MP4, whose one {@code mdat} header ends the plan's
 * header). In file order; header {@code i} lies at {@code [offset(i), offset(i) + size(i))}.
 */
public interface FragmentHeaders {
    FragmentHeaders NONE = new FragmentHeaders() {
        @Override
        public int count() {
            return 0;
        }

        @Override
        public long offset(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public int size(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public byte[] bytes(int i) {
            throw new IndexOutOfBoundsException(i);
        }
    };

    int count();

    long offset(int i);

    int size(int i);

    byte[] bytes(int i);
}
