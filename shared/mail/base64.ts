/** Base64 of bytes without Buffer (Workers have it only with nodejs_compat); `lineLength` wraps as MIME wants (76). */
export function base64(bytes: Uint8Array, lineLength = 0): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const encoded = btoa(binary);
  if (!lineLength) return encoded;
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += lineLength) lines.push(encoded.slice(i, i + lineLength));
  return lines.join('\r\n');
}
