/** `npm start`'s port is taken (another `npm start`, or any other server). */
export class PortInUseError extends Error {
  readonly port: number;
  readonly host: string;
  constructor(port: number, host: string) {
    super(`port ${port} on ${host} is already in use: stop what is using it, or set PORT to a free port (PORT=${port + 1} npm start)`);
    this.name = 'PortInUseError';
    this.port = port;
    this.host = host;
  }
}
