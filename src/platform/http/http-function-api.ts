/** The body of an HTTP request invoking a function. */
export interface FunctionBody {
  body: string;
  contentType: string;
}

/** What one invocation returned: `OK` and the function's output, or an error retcode and no output. */
export interface FunctionResult {
  retcode: string;
  output: string;
}

/**
 * How a kind of FaaS platform is called over HTTP: which URL invokes a function, which body carries an
 * input, and what an HTTP answer means.
 */
export interface HttpFunctionApi {
  /** The URL invoking `name`, or the retcode saying why there is none. */
  target(name: string): URL | string;
  /** The request body carrying `input`, or the retcode saying why it cannot be sent. */
  body(input: string): FunctionBody | string;
  /** The result of an HTTP answer with this status and body. */
  result(status: number, body: string): FunctionResult;
}
