package io.kvr.edge;

import io.kvr.edge.http.EdgeRoutes;
import io.kvr.edge.http.ObjectProxy;
import io.kvr.edge.http.ViewerRoutes;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;
import io.kvr.runtime.index.SegmentIndex;
import io.kvr.runtime.storage.ObjectKeys;
import io.kvr.runtime.storage.ObjectStore;

/** The edge's routes over an index (local or remote) and an object store. */
public final class Edge implements Routes {
    private final Routes viewer = new ViewerRoutes();
    private final EdgeRoutes routes;

    public Edge(EdgeConfig config, SegmentIndex index) {
        ObjectStore store = new ObjectStore(config.s3());
        this.routes = new EdgeRoutes(index, new ObjectProxy(store), new ObjectKeys(config.s3().prefix()),
                config.liveWindow(), config.dvrWindowMs(), config.maxRangeMs());
    }

    @Override
    public void register(Router router) {
        router.include(viewer).include(routes);
    }
}
