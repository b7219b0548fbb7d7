package xcluster.testplugin;

import java.util.List;
import java.util.function.Supplier;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * GET / with the shape of the rest-root module's answer (RestMainAction / MainResponse): name,
 * cluster_name, cluster_uuid, version { number, build_flavor, build_type, build_hash,
 * build_date, build_snapshot, lucene_version, minimum_wire_compatibility_version,
 * minimum_index_compatibility_version }, tagline. The real one also needs the
 * cluster:monitor/main privilege; this one needs only an authenticated user.
 */
final class RestRootAction extends BaseRestHandler {
  private final String nodeName;
  private final String clusterName;
  private final Supplier<ClusterService> clusterService;

  RestRootAction(String nodeName, String clusterName, Supplier<ClusterService> clusterService) {
    this.nodeName = nodeName;
    this.clusterName = clusterName;
    this.clusterService = clusterService;
  }

  @Override
  public String getName() {
    return "xcluster_test_root";
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
  }

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    return channel -> {
      Build build = Build.current();
      XContentBuilder b = channel.newBuilder();
      b.startObject();
      b.field("name", nodeName);
      b.field("cluster_name", clusterName);
      b.field("cluster_uuid", clusterService.get().state().metadata().clusterUUID());
      b.startObject("version");
      b.field("number", build.qualifiedVersion());
      b.field("build_flavor", build.flavor());
      b.field("build_type", build.type().displayName());
      b.field("build_hash", build.hash());
      b.field("build_date", build.date());
      b.field("build_snapshot", build.isSnapshot());
      b.field("lucene_version", org.apache.lucene.util.Version.LATEST.toString());
      b.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
      b.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
      b.endObject();
      b.field("tagline", "You Know, for Search");
      b.endObject();
      channel.sendResponse(new RestResponse(RestStatus.OK, b));
    };
  }
}
