"""Makes the recording the same on every run and every machine.

- IDs of what the recorder created are replaced by their names (`${HeadNodeRoleArn}`, `${SubnetId}`...), the
  account, region and partition by `${Account}`, `${Region}`, `${Partition}` (the test fills them in per
  partition);
- any other ID moto made at random becomes its type with `<id>` (`i-<id>`, `<uuid>`), timestamps become
  `<time>`, pcluster's random artifact directories `<random>`, IP addresses `<ip>`; filter values built from
  sets are sorted;
- long strings (templates, policies, file bodies) are cut to their length.
"""
import re

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EC2_ID = re.compile(r"\b(i|ami|vpc|subnet|sg|fs|fsmt|vol|snap|eni|igw|rtb|lt|fleet|r|sir|key)-[0-9a-f]{8,17}\b")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
STAMP = re.compile(r"(?<![0-9])20\d{10}(?![0-9])")  # 202612020639 in log group and export names
EPOCH_MS = re.compile(r"^1[6-9]\d{11}$")
ARTIFACT_DIR = re.compile(r"((?:clusters|images)/[a-z0-9-]+?)-[a-z0-9]{16}(?=/|$)")
CDK_SUFFIX = re.compile(r"(AssetParameters<hash>[A-Za-z0-9]+?)[0-9A-F]{8}\b")
OBJECT_AT = re.compile(r" object at 0x[0-9a-f]+")
ASSET = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
IPV4 = re.compile(r"(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")
ZONE = re.compile(r"\bZ[0-9A-Z]{12,32}\b")
LONG = 240


class Normalizer:
    def __init__(self, world):
        self.world = world
        # Longest first, so that an ARN is replaced before the ID inside it.
        # Names that are not random (log group, stream, bucket) stay as they are.
        known = {v: k for k, v in world.ids.items()
                 if isinstance(v, str) and len(v) > 3 and k not in ("ClusterLogGroup", "ClusterLogStream", "ExportBucket")}
        for key in ("HeadNodeRoleArn", "ComputeNodeRoleArn", "LoginNodeRoleArn", "ImageRoleArn", "ImageCleanupRoleArn"):
            if key in world.ids:
                known[world.ids[key].split("/")[-1]] = key.replace("Arn", "Name")
        self.known = sorted(known.items(), key=lambda kv: -len(kv[0]))

    def text(self, s):
        if EPOCH_MS.match(s):
            return "<epoch-ms>"
        for value, name in self.known:
            if value in s:
                s = s.replace(value, "${" + name + "}")
        s = s.replace("arn:aws:", "arn:${Partition}:")
        s = s.replace(self.world.account, "${Account}")
        s = s.replace(self.world.region, "${Region}")
        s = UUID.sub("<uuid>", s)
        s = ARTIFACT_DIR.sub(r"\1-<random>", s)
        s = ASSET.sub("<hash>", s)
        s = CDK_SUFFIX.sub(r"\1<suffix>", s)
        s = OBJECT_AT.sub("", s)
        s = ISO_TIME.sub("<time>", s)
        s = STAMP.sub("<stamp>", s)
        s = EC2_ID.sub(lambda m: f"{m.group(1)}-<id>", s)
        s = ZONE.sub("<zone>", s)
        s = IPV4.sub("<ip>", s)
        if len(s) > LONG:
            s = f"<{len(s)} characters>"
        return s

    def value(self, v):
        if isinstance(v, dict):
            out = {self.text(k) if isinstance(k, str) else k: self.value(x) for k, x in v.items()}
            # Filter values that pcluster builds from sets come in hash order: sorted.
            if isinstance(out.get("Values"), list) and all(isinstance(x, str) for x in out["Values"]):
                out["Values"] = sorted(out["Values"])
            return out
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, int) and not isinstance(v, bool) and v > 10**12:
            return "<epoch-ms>"
        return v

    def call(self, c):
        out = {k: c[k] for k in ("role", "step", "service", "operation")}
        out["params"] = self.value(c["params"])
        if c.get("error"):
            out["error"] = c["error"]
        if c.get("iamMapError"):
            out["iamMapError"] = c["iamMapError"]
        out["iam"] = [self.value(r) for r in c.get("iam", [])]
        return out

    def outcome(self, o):
        """A command's result in a few words: ok, or the error's message."""
        if isinstance(o, dict) and ("exception" in o or "exit" in o):
            data = o.get("data") if "exception" in o else o.get("exit")
            message = data.get("message") if isinstance(data, dict) else str(data)
            return "error: " + self.text(str(message))[:LONG]
        return "ok"
