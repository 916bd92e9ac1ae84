# The candidate encodings of the same real records, bytes a record by batch size:
#   python3 scripts/lib/uplink-encodings.py OUT.raw   (OUT.raw from scripts/uplink-capture.sh with the JSON records of an earlier build)
import gzip, json, math, struct, sys, zlib
from datetime import datetime

records = []
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith('{'):
        continue
    m = json.loads(line)
    if m.get('type') == 'records':
        records.extend(m['items'])
records.sort(key=lambda r: r['seq'])
seen = set(); recs = []
for r in records:
    if r['seq'] in seen: continue
    seen.add(r['seq']); recs.append(r)
records = recs
print(f"{len(records)} records, {sum(1 for r in records if r['status']=='scored')} scored, "
      f"{sum(1 for r in records if r.get('reasons'))} with reasons, decisions "
      f"{ {d: sum(1 for r in records if r.get('decision')==d) for d in ('approve','review','decline')} }")

def dumps(o): return json.dumps(o, separators=(',', ':'), ensure_ascii=False).encode()

# field share of the plain JSON
share = {}
for r in records:
    for k, v in r.items():
        share[k] = share.get(k, 0) + len(dumps({k: v})) - 2 + 1
tot = sum(len(dumps(r)) + 1 for r in records)
print(f"plain JSON: {tot/len(records):.0f} B/record; by field:", ", ".join(f"{k} {v/len(records):.0f}" for k, v in sorted(share.items(), key=lambda kv: -kv[1])))

DERIVABLE = 7  # amount, log_amount, hour_of_day, is_night, day_of_week, is_ecommerce, mcc_index
def iso_to_ms(s): return int(datetime.fromisoformat(s).timestamp() * 1000)

def compact(r, feat_dp=4, score_dp=4, epoch=False, drop_derivable=False, lat_dp=2):
    o = dict(r)
    if 'features' in o:
        f = [None if v is None else round(v, feat_dp) for v in o['features']]
        f = [int(v) if v is not None and v == int(v) else v for v in f]
        o['features'] = f[DERIVABLE:] if drop_derivable else f
    if 'score' in o: o['score'] = round(o['score'], score_dp)
    if 'shadowScore' in o: o['shadowScore'] = round(o['shadowScore'], score_dp)
    if 'latencyMs' in o: o['latencyMs'] = round(o['latencyMs'], lat_dp)
    if epoch:
        o['receivedAt'] = iso_to_ms(o['receivedAt'])
        if 'eventTime' in o:
            o['eventTime'] = iso_to_ms(o['eventTime'])
    return o

def envelope(items):
    return dumps({"type": "records", "source": "store-1", "epoch": "3f9c2a71be04", "first": items[0]['seq'],
                  "last": items[-1]['seq'], "count": len(items), "items": items})

# minimal CBOR
def cbor(o):
    if o is None: return b'\xf6'
    if o is True: return b'\xf5'
    if o is False: return b'\xf4'
    if isinstance(o, int):
        mt, n = (0, o) if o >= 0 else (1, -1 - o)
        return head(mt, n)
    if isinstance(o, float):
        h = struct.pack('>e', o) if abs(o) < 65504 else None
        if h is not None and struct.unpack('>e', h)[0] == o: return b'\xf9' + h
        s = struct.pack('>f', o)
        if struct.unpack('>f', s)[0] == o: return b'\xfa' + s
        return b'\xfb' + struct.pack('>d', o)
    if isinstance(o, str):
        b = o.encode(); return head(3, len(b)) + b
    if isinstance(o, list): return head(4, len(o)) + b''.join(cbor(x) for x in o)
    if isinstance(o, dict): return head(5, len(o)) + b''.join(cbor(k) + cbor(v) for k, v in o.items())
    raise TypeError(type(o))
def head(mt, n):
    if n < 24: return bytes([mt << 5 | n])
    if n < 256: return bytes([mt << 5 | 24, n])
    if n < 65536: return bytes([mt << 5 | 25]) + struct.pack('>H', n)
    if n < 2**32: return bytes([mt << 5 | 26]) + struct.pack('>I', n)
    return bytes([mt << 5 | 27]) + struct.pack('>Q', n)

def per_record(items, batch, enc):
    total = 0
    for i in range(0, len(items), batch):
        total += len(enc(items[i:i + batch]))
    return total / len(items)

variants = {
    'as sent (JSON)': lambda r: r,
    'compact: features/score 4 dp, latency 2 dp': lambda r: compact(r),
    'compact + epoch ms times': lambda r: compact(r, epoch=True),
    'compact + derivable features dropped': lambda r: compact(r, drop_derivable=True),
    'compact + epoch ms + derivable dropped': lambda r: compact(r, epoch=True, drop_derivable=True),
    'compact, features 3 dp': lambda r: compact(r, feat_dp=3),
    'compact, score 6 dp': lambda r: compact(r, score_dp=6),
}
print(f"{'variant':48} {'batch':>5} {'json':>6} {'gz6':>6} {'gz9':>6} {'cbor':>6} {'cbor+gz9':>8}")
for name, f in variants.items():
    items = [f(r) for r in records]
    for batch in (10, 50, 250, 1000):
        row = [per_record(items, batch, envelope),
               per_record(items, batch, lambda b: gzip.compress(envelope(b), 6, mtime=0)),
               per_record(items, batch, lambda b: gzip.compress(envelope(b), 9, mtime=0)),
               per_record(items, batch, lambda b: cbor({"type": "records", "items": b})),
               per_record(items, batch, lambda b: gzip.compress(cbor({"type": "records", "items": b}), 9, mtime=0))]
        print(f"{name:48} {batch:>5} " + " ".join(f"{v:6.1f}" for v in row[:4]) + f" {row[4]:8.1f}")
