// Starts `norma lsp` for .norma files and literate .norma.md texts (stdio
// transport); the Markdown grammar is injected with norma-markdown.tmLanguage.json.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('norma');
  const command = config.get('server.path', 'norma');
  client = new LanguageClient(
    'norma',
    'Norma',
    { command, args: ['lsp'] },
    {
      documentSelector: [
        { language: 'norma' },
        { language: 'markdown', pattern: '**/*.norma.md' },
      ],
      initializationOptions: { include: config.get('include', []) },
    },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
