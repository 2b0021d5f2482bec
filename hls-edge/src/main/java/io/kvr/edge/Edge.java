package io.kvr.edge;

import io.kvr.edge.hls.LiveWindowCache;
import io.kvr.edge.hls.SettledRangeCache;
import io.kvr.edge.http.EdgeRoutes;
import io.kvr.edge.http.ObjectDelivery;
import io.kvr.edge.http.ObjectProxy;
import io.kvr.edge.http.PresignedRedirect;
import io.kvr.edge.http.RecentObjects;
import io.kvr.edge.http.ViewerRoutes;
import io.kvr.http.Cors;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.index.SegmentIndex;
import io.kvr.runtime.storage.ObjectKeys;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.storage.PresignedUrls;

/** The edge's routes over an index (local or remote) and an object store. */
public final class Edge implements Routes {
    private final Routes viewer = new ViewerRoutes();
    private final EdgeRoutes routes;

    public Edge(EdgeConfig config, SegmentIndex index) {
        ObjectDelivery delivery = config.redirectSegments()
                ? new PresignedRedirect(
                        new PresignedUrls(config.s3(), config.redirectEndpoint()),
                        config.redirectExpiry(),
                        config.access().required())
                : new ObjectProxy(new ObjectStore(config.s3()), new RecentObjects(config.segmentCacheBytes()));
        this.routes = new EdgeRoutes(
                index,
                delivery,
                new ObjectKeys(config.s3().prefix()),
                config.liveWindow(),
                config.dvrWindowMs(),
                config.maxRangeMs(),
                new Cors(config.corsOrigins()),
                new LiveWindowCache(config.liveCache().toNanos(), System::nanoTime),
                new SettledRangeCache(
                        config.rangeCacheBytes(),
                        java.time.Duration.ofMinutes(1).toNanos(),
                        System::nanoTime),
                config.liveCache().toNanos());
    }

    @Override
    public void register(Router router) {
        router.include(viewer).include(routes);
    }
}
