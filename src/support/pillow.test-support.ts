/** TEST SUPPORT ONLY: decodes images with Pillow (Debian's python3-pil), a real decoder to judge ours by. */
import { execFileSync } from 'node:child_process';

/** Mode, size and pixel bytes of an image file as Pillow decodes it. */
export function decodeWithPillow(file: string): {
  mode: string;
  width: number;
  height: number;
  pixels: Buffer;
} {
  const script =
    'import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1])\nim.load()\n' +
    'sys.stdout.buffer.write(("%s %d %d\\n" % (im.mode, im.size[0], im.size[1])).encode())\n' +
    'sys.stdout.buffer.write(im.tobytes())\n';
  const out = execFileSync('/usr/bin/python3', ['-c', script, file], { maxBuffer: 256 * 1024 * 1024 });
  const nl = out.indexOf(10);
  const [mode, w, h] = out.subarray(0, nl).toString().split(' ');
  return { mode: mode!, width: Number(w), height: Number(h), pixels: out.subarray(nl + 1) };
}
