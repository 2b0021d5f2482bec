package io.kvr.exporter;

import io.kvr.exporter.http.DownloadRoutes;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.InitSegments;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;
import io.kvr.runtime.index.SegmentIndex;
import io.kvr.runtime.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;

/** The exporter's routes over an index (local or remote) and an object store. */
public final class Exporter implements Routes {
    private final DownloadRoutes downloads;

    public Exporter(ExporterConfig config, SegmentIndex index, MeterRegistry metrics) {
        ObjectStore store = new ObjectStore(config.s3());
        ExportPlanner planner = new ExportPlanner(index, new InitSegments(store));
        ExportWriter writer = new ExportWriter(store, config.readAhead());
        this.downloads = new DownloadRoutes(planner, writer, config.maxRangeMs(), metrics);
    }

    @Override
    public void register(Router router) {
        router.include(downloads);
    }
}
