# PyTorch's side of bench/profile/collective-wakeup.ts: wall and CPU ms per back-to-back gloo allreduce of
# 1, 20 and 1000 floats between 2 ranks (torchrun's environment), one JSON line per size.
# Usage: RANK=r WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=p OMP_NUM_THREADS=1 python3 bench/profile/collective_wakeup_torch.py
import json, time, torch, torch.distributed as dist

torch.set_num_threads(1)
dist.init_process_group('gloo')
r = dist.get_rank()
for n in [1, 20, 1000, 20]:
    t = torch.zeros(n)
    dist.all_reduce(t)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(200):
        dist.all_reduce(t)
    print(json.dumps({'rank': r, 'engine': 'pytorch', 'floats': n, 'msPerAllreduce': round((time.perf_counter() - t0) / 200 * 1000, 3), 'cpuMsPerIteration': round((time.process_time() - c0) / 200 * 1000, 3)}), flush=True)
dist.destroy_process_group()
