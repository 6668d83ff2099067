import Foundation
import PrecedentTestSupport
import Testing

/// `cluster/ray_run.py` on a local Ray with 2 CPUs (Tests/Cluster/ray_check.py): byte-identical to a
/// serial run, nothing submitted the second time, a transient failure retried, a permanent one not
/// and named, a SIGKILL mid-write converging, two attempts at once leaving one correct partition.
@Suite(.serialized) struct ClusterTests {
    @Test func rayDriverMatchesASerialRunAndSurvivesFailures() throws {
        let (status, o, e) = try Oracle.check("Tests/Cluster/ray_check.py", [
            Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent").path, Fixtures.dataDirectory.path,
            Fixtures.repositoryRoot.appendingPathComponent("config/sample.yaml").path,
        ])
        #expect(status == 0, "\(o)\(e.suffix(2000))")
        let findings = try #require(JSONSerialization.jsonObject(with: Data(o.utf8)) as? [String: Any], "\(o)\(e.suffix(2000))")
        #expect((findings["failures"] as? [Any])?.isEmpty == true, "\(o)")
        print("ray check: \(o)")
    }
}
